package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.treewave.ostree.core.Xattr;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
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
  void existsSeesADanglingSymlinkAndNotAMissingPath() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "f");
    Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("nowhere"));
    assertThat(fs.exists(f)).isTrue();
    assertThat(fs.exists(dangling)).isTrue();
    assertThat(fs.exists(tmp)).isTrue();
    assertThat(fs.exists(tmp.resolve("missing"))).isFalse();
    assertThat(fs.exists(f.resolve("below-a-file"))).isFalse();
  }

  @Test
  void mtimeZeroLeavesTheAccessTimeAndASymlinksTarget() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "f");
    FileTime atime = FileTime.fromMillis(1_600_000_000_000L);
    Files.getFileAttributeView(f, BasicFileAttributeView.class).setTimes(null, atime, null);
    fs.setMtimeZero(f);
    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
    assertThat(a.lastModifiedTime().toMillis()).isZero();
    assertThat(a.lastAccessTime()).isEqualTo(atime);

    Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("f2"));
    Path f2 = Files.writeString(tmp.resolve("f2"), "2");
    long before = Files.getLastModifiedTime(f2).toMillis();
    fs.setMtimeZero(link);
    assertThat(Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toMillis()).isZero();
    assertThat(Files.getLastModifiedTime(f2).toMillis()).isEqualTo(before);
    assertThatThrownBy(() -> fs.setMtimeZero(tmp.resolve("missing")))
        .hasMessage("utimensat " + tmp.resolve("missing") + ": ENOENT (No such file or directory)");
  }

  @Test
  void chownSetsOwnerAndGroupOfASymlinkItself() throws Exception {
    assumeThat(System.getProperty("user.name")).as("chown needs root").isEqualTo("root");
    Path f = Files.writeString(tmp.resolve("f"), "f");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("f"));
    fs.chown(link, 1234, 5678);
    assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1234);
    assertThat(Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(5678);
    assertThat(Files.getAttribute(f, "unix:uid")).isEqualTo(0);
    fs.chown(f, 42, 43);
    assertThat(Files.getAttribute(f, "unix:uid")).isEqualTo(42);
    assertThat(Files.getAttribute(f, "unix:gid")).isEqualTo(43);
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
