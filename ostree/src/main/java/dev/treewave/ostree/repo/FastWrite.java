package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Creates new files with as few system calls as java.nio allows: a pull writes thousands of small
 * objects, and per object the system calls cost more than the bytes.
 */
final class FastWrite {
  private FastWrite() {}

  private static final Set<OpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  /**
   * The process umask from {@code /proc/self/status}, or -1 if unknown. Java never changes the
   * umask, so the value read once holds for the life of the JVM.
   */
  static final int UMASK = readUmask();

  static void create(Path target, byte[] data) throws IOException {
    try (FileChannel ch = FileChannel.open(target, CREATE_NEW)) {
      writeFully(ch, ByteBuffer.wrap(data));
    }
  }

  static void create(Path target, byte[] head, byte[] body, int bodyLength) throws IOException {
    try (FileChannel ch = FileChannel.open(target, CREATE_NEW)) {
      ByteBuffer[] bufs = {ByteBuffer.wrap(head), ByteBuffer.wrap(body, 0, bodyLength)};
      while (bufs[1].hasRemaining()) {
        ch.write(bufs);
      }
    }
  }

  /**
   * Creates {@code target} (which must not exist) for writing with permission bits {@code mode}.
   * open() applies the umask; {@link #fixMode} then corrects what it took away, if anything.
   */
  static FileChannel createWithMode(Path target, int mode) throws IOException {
    return FileChannel.open(target, CREATE_NEW, permissions(mode));
  }

  /** Writes {@code data} to a new file {@code target} created with {@code mode} (see fixMode). */
  static void createWithMode(Path target, byte[] data, int mode) throws IOException {
    try (FileChannel ch = createWithMode(target, mode)) {
      writeFully(ch, ByteBuffer.wrap(data));
    }
  }

  /**
   * Gives a file created with {@code created} the permission bits {@code wanted}: chmod only when
   * they differ or the umask (or an unknown one) may have cleared some of them.
   */
  static void fixMode(Path target, int created, int wanted) throws IOException {
    if (created != wanted || UMASK < 0 || (created & UMASK) != 0 || (created & ~0777) != 0) {
      FileAttributes.chmod(target, wanted);
    }
  }

  /**
   * Sets mtime (and atime) to the epoch as libostree does for bare objects. Both times given, the
   * JDK skips the fstat() that {@code Files.setLastModifiedTime} needs for the atime it keeps (and
   * NOFOLLOW_LINKS would add an lstat()); only regular files get here.
   */
  static void setTimesZero(Path target) throws IOException {
    Files.getFileAttributeView(target, BasicFileAttributeView.class)
        .setTimes(FileAttributes.EPOCH, FileAttributes.EPOCH, null);
  }

  static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static FileAttribute<Set<PosixFilePermission>> permissions(int mode) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ … OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        s.add(bits[i]);
      }
    }
    return PosixFilePermissions.asFileAttribute(s);
  }

  private static int readUmask() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown: every created file gets an explicit chmod
    }
    return -1;
  }
}
