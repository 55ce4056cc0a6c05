package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.Xattr;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The file-system calls Java has no API for, as libostree makes them: extended attributes of every
 * namespace ({@code security.*}, {@code trusted.*}, not only the {@code user.*} the JDK reaches) on
 * a path itself, never through a symlink; {@code syncfs}; the immutable inode flag; symlink targets
 * as bytes. Paths reach the kernel as their exact bytes ({@link FileNames#bytes}). Failures are
 * {@link NativeFsException}s naming the call, the path and the errno.
 */
public interface NativeFs {

  /**
   * Set to {@code true}, this system property switches native calls off: {@code user.*} xattrs
   * only, through the JDK, and fsync per file instead of syncfs. For a JVM where JNA cannot load
   * (no writable temporary directory for its library) and for tests of that fallback.
   */
  String OFF_PROPERTY = "treewave.nativeFs.off";

  /** The C library's calls, or empty where they cannot be loaded ({@link #unavailableReason()}). */
  static Optional<NativeFs> system() {
    return Boolean.getBoolean(OFF_PROPERTY) ? Optional.empty() : LibcFs.instance();
  }

  /**
   * {@link #system()} if this JVM has loaded the native calls already, else empty without loading
   * them: for a call the JDK can make too, a few system calls dearer, where loading them (about 0.1
   * s of CPU) would cost more than it saves.
   */
  static Optional<NativeFs> ifLoaded() {
    return Boolean.getBoolean(OFF_PROPERTY) ? Optional.empty() : LibcFs.instanceIfLoaded();
  }

  /** Why {@link #system()} is empty, for a warning; empty when it is not. */
  static String unavailableReason() {
    return Boolean.getBoolean(OFF_PROPERTY)
        ? "native file-system calls are switched off (" + OFF_PROPERTY + ")"
        : LibcFs.unavailableReason();
  }

  /**
   * Every xattr of {@code path} (a symlink's own), in the kernel's order, without zero-length
   * values (libostree neither stores nor sets those). Empty on a file system without xattrs ({@code
   * ENOTSUP}), as libostree treats it.
   */
  List<Xattr> xattrs(Path path);

  /** One xattr's value, or null when {@code path} has none of that name. */
  byte[] xattr(Path path, String name);

  /** Creates or replaces one xattr of {@code path} itself (lsetxattr). */
  void setXattr(Path path, String name, byte[] value);

  /** Removes one xattr of {@code path} itself; one that is not there is no error. */
  void removeXattr(Path path, String name);

  /** Writes back everything dirty on the file system holding {@code path} and waits (syncfs). */
  void syncfs(Path path);

  /** Whether {@code path} (not followed if a symlink) carries {@code FS_IMMUTABLE_FL}. */
  boolean immutable(Path path);

  /**
   * Sets or clears {@code FS_IMMUTABLE_FL} (needs CAP_LINUX_IMMUTABLE and a file system with it).
   */
  void setImmutable(Path path, boolean immutable);

  /**
   * A symlink's target, byte for byte (readlink): the JDK decodes it with the locale's encoding.
   */
  byte[] readSymbolicLink(Path link);

  /** Creates {@code link} pointing at exactly {@code target}'s bytes (symlink). */
  void createSymbolicLink(Path link, byte[] target);

  /**
   * Whether {@code path} exists, a dangling symlink included (faccessat F_OK, not followed): one
   * call that, unlike the JDK's, builds no exception for a miss, as an object-existence check sees
   * one per new object.
   */
  boolean exists(Path path);

  /** Sets owner and group of {@code path} itself (lchown): one call where the JDK makes two. */
  void chown(Path path, int uid, int gid);

  /**
   * Sets the modification time of {@code path} itself to the epoch and leaves its access time
   * (utimensat, as libostree stores objects): one call where the JDK opens, stats, sets and closes.
   */
  void setMtimeZero(Path path);
}
