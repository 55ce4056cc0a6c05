package dev.treewave.ostree.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.repo.OstreeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing and matching of --statoverride / --skip-list files (interop: CommitFilterIT). */
class CommitFilterTest {
  @TempDir Path tmp;

  @Test
  void readsModesLikeStrtodAndConsumesMatches() throws Exception {
    assertThat(CommitFilter.strtod("+2048")).isEqualTo(2048);
    assertThat(CommitFilter.strtod("0x10")).isEqualTo(16);
    assertThat(CommitFilter.strtod("420.9")).isEqualTo(420);
    assertThat(CommitFilter.strtod("abc")).isZero();
    Path st = Files.writeString(tmp.resolve("st"), "+2048 /a b\n=448 /k\n\n+1 /d\n");
    Path sk = Files.writeString(tmp.resolve("sk"), "/s\n");
    CommitFilter f = CommitFilter.read(st, sk);
    assertThat(f.mode("/a b", 0100644, false)).isEqualTo(0104644);
    assertThat(f.mode("/k", 0100644, false)).isEqualTo(0100700);
    assertThat(f.mode("/d", 040755, true)).isEqualTo(040755);
    assertThat(f.skips("/s")).isTrue();
    assertThat(f.skips("/s")).isFalse();
    f.requireAllMatched();
  }

  @Test
  void unmatchedAndMalformedAreErrors() throws Exception {
    Path st = Files.writeString(tmp.resolve("st"), "+1 /x\n");
    assertThatThrownBy(() -> CommitFilter.read(st, null).requireAllMatched())
        .isInstanceOf(OstreeException.class)
        .hasMessage("Unmatched statoverride paths: /x");
    Path sk = Files.writeString(tmp.resolve("sk"), "/y\n");
    assertThatThrownBy(() -> CommitFilter.read(null, sk).requireAllMatched())
        .hasMessage("Unmatched skip-list paths: /y");
    Path bad = Files.writeString(tmp.resolve("bad"), "nospace\n");
    assertThatThrownBy(() -> CommitFilter.read(bad, null))
        .hasMessageContaining("Malformed statoverride file");
  }
}
