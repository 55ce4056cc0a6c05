package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.treewave.ostree.core.Xattr;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native port against the real kernel: every namespace, a symlink's own, syncfs, chattr +i. */
class NativeFsTest {
  @TempDir Path tmp;
  NativeFs fs;

  @BeforeEach
  void load() {
    fs = NativeFs.system().orElseThrow(() -> new AssertionError(NativeFs.unavailableReason()));
  }

  @Test
  void xattrsOfEveryNamespaceRoundTripOnASymlinkAndItsTargetApart() throws Exception {
    assumeThat(System.getProperty("user.name"))
        .as("trusted.* and security.* need root")
        .isEqualTo("root");
    Path target = Files.writeString(tmp.resolve("target"), "t");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("target"));
    byte[] odd = {0, (byte) 0xff, '\n', '=', 0};
    fs.setXattr(target, "user.we=ird name", odd);
    fs.setXattr(target, "trusted.t", new byte[] {1});
    fs.setXattr(link, "trusted.link", odd);
    setOrSkip(link, "security.treewave-test", new byte[] {(byte) 0x80});

    assertThat(fs.xattrs(link))
        .containsExactlyInAnyOrder(
            new Xattr("trusted.link", odd),
            new Xattr("security.treewave-test", new byte[] {(byte) 0x80}));
    assertThat(fs.xattrs(target))
        .contains(new Xattr("user.we=ird name", odd), new Xattr("trusted.t", new byte[] {1}))
        .noneMatch(x -> x.name().equals("trusted.link"));
    assertThat(fs.xattr(link, "trusted.link")).isEqualTo(odd);
    assertThat(fs.xattr(target, "trusted.link")).isNull();

    fs.removeXattr(link, "trusted.link");
    fs.removeXattr(link, "trusted.link"); // already gone: no error
    assertThat(fs.xattr(link, "trusted.link")).isNull();
    assertThat(fs.xattr(target, "trusted.t")).containsExactly(1);
  }

  @Test
  void aValueOfTheLargestSizeReadsBackWhole() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "f");
    byte[] big = new byte[4000]; // ext4 keeps a value within one block
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    fs.setXattr(f, "user.big", big);
    assertThat(fs.xattr(f, "user.big")).isEqualTo(big);
  }

  @Test
  void zeroLengthValuesAreLeftOutAsLibostreeDoes() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "f");
    fs.setXattr(f, "user.empty", new byte[0]);
    fs.setXattr(f, "user.full", new byte[] {1});
    assertThat(fs.xattrs(f)).containsExactly(new Xattr("user.full", new byte[] {1}));
  }

  @Test
  void errorsNameTheCallThePathAndTheErrno() {
    Path missing = tmp.resolve("missing");
    assertThatThrownBy(() -> fs.xattrs(missing))
        .isInstanceOf(NativeFsException.class)
        .hasMessage("llistxattr " + missing + ": ENOENT (No such file or directory)")
        .satisfies(e -> assertThat(((NativeFsException) e).errno()).isEqualTo(2));
    assertThatThrownBy(() -> fs.setXattr(missing, "user.a", new byte[] {1}))
        .hasMessage("lsetxattr user.a " + missing + ": ENOENT (No such file or directory)");
    assertThatThrownBy(() -> fs.syncfs(missing))
        .hasMessage("open " + missing + ": ENOENT (No such file or directory)");
  }

  @Test
  void aFileSystemWithoutXattrsHasNone() {
    // procfs supports no xattrs at all: listing says so (ENOTSUP or nothing), never an error
    assertThat(fs.xattrs(Path.of("/proc/self/status"))).isEmpty();
    assertThat(fs.xattr(Path.of("/proc/self/status"), "user.a")).isNull();
  }

  @Test
  void syncfsWritesBackTheFileSystemOfADirectoryOrFile() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "dirty");
    fs.syncfs(tmp);
    fs.syncfs(f);
  }

  @Test
  void theImmutableFlagIsSetAndCleared() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("deployment"));
    try {
      fs.setImmutable(dir, true);
    } catch (NativeFsException e) {
      assumeThat(e.errno())
          .as("this file system or process cannot set FS_IMMUTABLE_FL: " + e.getMessage())
          .isNotIn(NativeFsException.ENOTTY, NativeFsException.ENOTSUP, NativeFsException.EPERM);
      throw e;
    }
    try {
      assertThat(fs.immutable(dir)).isTrue();
      assertThatThrownBy(() -> Files.createFile(dir.resolve("x")))
          .isInstanceOf(java.nio.file.FileSystemException.class)
          .hasMessageContaining("Operation not permitted");
    } finally {
      fs.setImmutable(dir, false);
    }
    assertThat(fs.immutable(dir)).isFalse();
    Files.createFile(dir.resolve("x"));
  }

  private void setOrSkip(Path p, String name, byte[] value) {
    try {
      fs.setXattr(p, name, value);
    } catch (NativeFsException e) {
      assumeThat(e.errno())
          .as("this file system refuses " + name + ": " + e.getMessage())
          .isNotIn(NativeFsException.ENOTSUP, NativeFsException.EPERM);
      throw e;
    }
  }
}
