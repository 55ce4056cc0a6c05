package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcMergeTest {
  @TempDir Path tmp;

  /** libostree compares targets as strings: an admin's "dir" → "dir/" edit is a modification. */
  @Test
  void symlinksDifferingOnlyByATrailingOrDoubledSlashAreModified() throws Exception {
    Path plain = link("plain", "ssl/certs");
    assertThat(EtcMerge.sameFile(plain, link("same", "ssl/certs"))).isTrue();
    assertThat(EtcMerge.sameFile(plain, link("trailing", "ssl/certs/"))).isFalse();
    assertThat(EtcMerge.sameFile(plain, link("doubled", "ssl//certs"))).isFalse();
  }

  private Path link(String name, String target) throws Exception {
    Path link = tmp.resolve(name);
    new ProcessBuilder("ln", "-s", target, link.toString()).inheritIO().start().waitFor();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    return link;
  }
}
