package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * File-system effects on inode metadata through java.nio: {@code unix:*} attributes for ownership
 * and the full mode (including setuid/sticky bits), {@code user.*} xattrs through {@link
 * UserDefinedFileAttributeView} (or {@link NativeFs}, one call instead of the JDK's open, get and
 * close). Java cannot reach other xattr namespaces ({@code security.*}, {@code trusted.*}): those
 * go through {@link NativeFs} and {@link XattrBatch}.
 */
public final class FileAttributes {
  private static final String USER = "user.";
  static final FileTime EPOCH = FileTime.fromMillis(0);

  private FileAttributes() {}

  /** uid, gid and st_mode of a path, without following symlinks. */
  public record Stat(int uid, int gid, int mode, long size, long inode, int nlink) {}

  public static Stat stat(Path p) throws IOException {
    Map<String, Object> a =
        Files.readAttributes(p, "unix:uid,gid,mode,size,ino,nlink", LinkOption.NOFOLLOW_LINKS);
    return new Stat(
        (Integer) a.get("uid"),
        (Integer) a.get("gid"),
        (Integer) a.get("mode"),
        (Long) a.get("size"),
        (Long) a.get("ino"),
        (Integer) a.get("nlink"));
  }

  /** Sets the permission bits (07777) of a non-symlink. */
  public static void chmod(Path p, int mode) throws IOException {
    Files.setAttribute(p, "unix:mode", mode & 07777);
  }

  /** Sets owner and group of {@code p} itself (a symlink's own). */
  public static void chown(Path p, int uid, int gid) throws IOException {
    NativeFs fs = NativeFs.system().orElse(null);
    if (fs != null) {
      try {
        fs.chown(p, uid, gid);
      } catch (NativeFsException e) {
        throw asIoException(p, e);
      }
      return;
    }
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** Sets the modification time of a regular file or directory to the epoch. */
  public static void setMtimeZero(Path p) throws IOException {
    NativeFs fs = NativeFs.system().orElse(null);
    if (fs != null) {
      try {
        fs.setMtimeZero(p);
      } catch (NativeFsException e) {
        throw asIoException(p, e);
      }
      return;
    }
    Files.setLastModifiedTime(p, EPOCH);
  }

  /**
   * {@link #chown}, through the native call only if this JVM has loaded the native calls already;
   * else through the JDK (two lchown calls instead of one), for a command that needs nothing else
   * of them: loading them costs about 0.1 s of CPU (docs/benchmarks.md, 2026-12-07 13:30 UTC).
   */
  public static void chownWithoutLoadingNative(Path p, int uid, int gid) throws IOException {
    if (NativeFs.ifLoaded().isPresent()) {
      chown(p, uid, gid);
      return;
    }
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * {@link #setMtimeZero} without loading the native calls where the JDK can do it (see {@link
   * #chownWithoutLoadingNative}): lstat, open, fstat, futimens with the access time it read, and
   * close instead of one utimensat. The JDK opens the file for reading, which a user without read
   * permission on it cannot; the native call, which needs none, does it then.
   */
  public static void setMtimeZeroWithoutLoadingNative(Path p) throws IOException {
    if (NativeFs.ifLoaded().isPresent()) {
      setMtimeZero(p);
      return;
    }
    try {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(EPOCH, null, null);
    } catch (AccessDeniedException e) {
      setMtimeZero(p);
    }
  }

  /** A native failure as the JDK would have reported it, for callers that handle IOException. */
  private static IOException asIoException(Path p, NativeFsException e) {
    String reason = NativeFsException.errnoName(e.errno());
    FileSystemException io =
        e.errno() == NativeFsException.ENOENT
            ? new NoSuchFileException(p.toString(), null, reason)
            : new FileSystemException(p.toString(), null, reason);
    io.initCause(e);
    return io;
  }

  /** The {@code user.*} xattrs of a regular file or directory (zero-length values skipped). */
  public static List<Xattr> readUserXattrs(Path p) throws IOException {
    UserDefinedFileAttributeView v =
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
    List<Xattr> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    List<String> names;
    try {
      names = v.list();
    } catch (FileSystemException e) {
      return out; // file system without xattr support
    }
    for (String n : names) {
      ByteBuffer b = ByteBuffer.allocate(v.size(n));
      v.read(n, b);
      if (b.position() > 0) {
        byte[] value = new byte[b.position()];
        b.flip().get(value);
        out.add(new Xattr(USER + n, value));
      }
    }
    return out;
  }

  /** Reads one {@code user.} xattr (name without the prefix), or null if absent. */
  public static byte[] readUserXattr(Path p, String name) throws IOException {
    NativeFs fs = NativeFs.system().orElse(null);
    if (fs != null) {
      return fs.xattr(p, USER + name);
    }
    UserDefinedFileAttributeView v =
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
    // One read with a buffer that fits ostree's metadata saves the size() round trip (each
    // call opens the file); fall back to asking the size for large values.
    ByteBuffer b = ByteBuffer.allocate(512);
    try {
      v.read(name, b);
    } catch (FileSystemException e) {
      try {
        b = ByteBuffer.allocate(v.size(name));
        v.read(name, b);
      } catch (FileSystemException absent) {
        return null;
      }
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  public static void writeUserXattr(Path p, String name, byte[] value) throws IOException {
    NativeFs fs = NativeFs.system().orElse(null);
    if (fs != null) {
      fs.setXattr(p, USER + name, value);
      return;
    }
    Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
        .write(name, ByteBuffer.wrap(value));
  }

  /**
   * Applies xattrs to a regular file or directory: {@code user.*} ones at once through the JDK;
   * when any is in another namespace (which the JDK cannot reach), all of them go to {@code
   * deferred} instead, to be set together after the file's owner.
   */
  public static void writeXattrs(Path p, List<Xattr> xattrs, XattrBatch deferred)
      throws IOException {
    if (XattrBatch.needsNative(xattrs)) {
      deferred.add(p, xattrs);
      return;
    }
    writeUserXattrs(p, xattrs);
  }

  /** Sets {@code user.*} xattrs through the JDK; every one must be in that namespace. */
  public static void writeUserXattrs(Path p, List<Xattr> xattrs) throws IOException {
    for (Xattr x : xattrs) {
      if (!x.name().startsWith(USER)) {
        throw new IllegalArgumentException("not a user.* xattr: " + x.name());
      }
      writeUserXattr(p, x.name().substring(USER.length()), x.value());
    }
  }
}
