package dev.treewave.ostree.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dirtree names are GVariant strings, so UTF-8 (libostree refuses others: "Invalid UTF-8 in
 * filename" on commit, normal form on pull). A name that is not UTF-8 must never be stored mangled
 * (Java would decode {@code bad\xff.conf} as {@code bad\uFFFD.conf}): a commit refuses it, and a
 * hostile dirtree carrying one fails to parse.
 */
class NonUtf8NamesTest {
  @TempDir Path tmp;

  @Test
  void aCommitRefusesANameThatIsNotUtf8InsteadOfManglingIt() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("good.conf"), "g\n");
    Processes.check(
        new ProcessBuilder(
            "sh", "-c", "printf 'x\\n' > \"$1/$(printf 'bad\\377.conf')\"", "sh", tree.toString()),
        Duration.ofMinutes(1));
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("repo"), RepoMode.ARCHIVE);

    assertThatThrownBy(
            () ->
                new TreeCommitter(repo, CommitOptions.builder().branch("b").tree(tree).build())
                    .commit())
        .isInstanceOf(OstreeException.class)
        .hasMessageStartingWith("Invalid UTF-8 in filename /bad");
    assertThat(repo.refs().list()).isEmpty();
    try (Stream<Path> s = Files.walk(tmp.resolve("repo/objects"))) {
      assertThat(s.filter(f -> f.toString().endsWith(".commit"))).isEmpty();
    }
  }

  @Test
  void aDirtreeWhoseNameIsNotUtf8IsRefusedOnParse() {
    byte[] good =
        DirTree.of(
                List.of(new DirTree.FileEntry("badX.conf", ObjectId.sha256(new byte[] {1}))),
                List.of())
            .serialize();
    byte[] bad = good.clone();
    int at = new String(good, StandardCharsets.ISO_8859_1).indexOf("badX");
    bad[at + 3] = (byte) 0xff;
    assertThat(DirTree.parse(good).files()).hasSize(1);
    assertThatThrownBy(() -> DirTree.parse(bad))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("not valid UTF-8");
  }
}
