package dev.treewave.ostree.repo;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.treewave.ostree.core.Xattr;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@link NativeFs} through JNA's direct mapping to the C library (Linux on x86_64 and aarch64,
 * where errno numbers, ioctl numbers and the open flags used here are the same).
 */
final class LibcFs implements NativeFs {
  /** XATTR_SIZE_MAX and XATTR_LIST_MAX: no value or name list is larger on Linux. */
  private static final int XATTR_MAX = 64 * 1024;

  private static final int O_RDONLY = 0;
  private static final int O_NONBLOCK = 04000;
  private static final int O_CLOEXEC = 02000000;
  private static final long FS_IOC_GETFLAGS = 0x80086601L;
  private static final long FS_IOC_SETFLAGS = 0x40086602L;
  private static final int FS_IMMUTABLE_FL = 0x10;
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int F_OK = 0;
  private static final long UTIME_OMIT = (1L << 30) - 2;

  /** {atime: omitted, mtime: 0 s 0 ns} as two struct timespec (64-bit time_t and long). */
  private static final long[] MTIME_ZERO = {0, UTIME_OMIT, 0, 0};

  /** Set once loading JNA has been tried, whatever the outcome: {@link #instanceIfLoaded}. */
  private static volatile boolean loaded;

  /**
   * JNA, loaded on first use: that costs about 0.1 s of CPU (its native library, logging, proxies
   * and bindings), which a command that can do without it should not pay.
   */
  private static final class Loaded {
    static final int O_NOFOLLOW = Platform.isARM() ? 0100000 : 0400000;
    static final Optional<NativeFs> INSTANCE;
    static final String UNAVAILABLE;

    static {
      Optional<NativeFs> fs = Optional.empty();
      String why = "";
      try {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
          throw new UnsupportedOperationException("not 64-bit Linux");
        }
        // Without this property JNA fills its library search path by starting "/sbin/ldconfig
        // -p", a process per JVM (some 40 ms of a short command) only to find libc, which dlopen
        // finds by its soname anyway. An explicit setting is left alone.
        if (System.getProperty("jna.platform.library.path") == null) {
          System.setProperty("jna.platform.library.path", "");
        }
        Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        fs = Optional.of(new LibcFs());
      } catch (LinkageError | RuntimeException e) {
        why = "native file-system calls (JNA) unavailable: " + e.getMessage();
      }
      INSTANCE = fs;
      UNAVAILABLE = why;
      loaded = true;
    }

    private Loaded() {}
  }

  /** Per-thread native buffers, so a call costs no allocation and no array copy of 64 KiB. */
  private final ThreadLocal<Memory> names = ThreadLocal.withInitial(() -> new Memory(XATTR_MAX));

  private final ThreadLocal<Memory> values = ThreadLocal.withInitial(() -> new Memory(XATTR_MAX));

  private LibcFs() {}

  static Optional<NativeFs> instance() {
    return Loaded.INSTANCE;
  }

  /** {@link #instance()} if something in this JVM has loaded it already, else empty. */
  static Optional<NativeFs> instanceIfLoaded() {
    return loaded ? Loaded.INSTANCE : Optional.empty();
  }

  static String unavailableReason() {
    return Loaded.UNAVAILABLE;
  }

  /** The libc functions, bound once by {@link Native#register}. */
  private static final class Libc {
    static native long llistxattr(byte[] path, Pointer list, long size) throws LastErrorException;

    static native long lgetxattr(byte[] path, byte[] name, Pointer value, long size)
        throws LastErrorException;

    static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags)
        throws LastErrorException;

    static native int lremovexattr(byte[] path, byte[] name) throws LastErrorException;

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int syncfs(int fd) throws LastErrorException;

    static native int ioctl(int fd, long request, int[] arg) throws LastErrorException;

    static native long readlink(byte[] path, Pointer buf, long size) throws LastErrorException;

    static native int symlink(byte[] target, byte[] linkpath) throws LastErrorException;

    /** Without LastErrorException: a miss is an answer here, not an error worth an exception. */
    static native int faccessat(int dirfd, byte[] path, int mode, int flags);

    static native int lchown(byte[] path, int uid, int gid) throws LastErrorException;

    static native int utimensat(int dirfd, byte[] path, long[] times, int flags)
        throws LastErrorException;
  }

  @Override
  public List<Xattr> xattrs(Path path) {
    byte[] p = cPath(path);
    Memory list = names.get();
    long n;
    try {
      n = Libc.llistxattr(p, list, XATTR_MAX);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == NativeFsException.ENOTSUP) {
        return List.of(); // a file system without xattrs: none, as for libostree
      }
      throw new NativeFsException("llistxattr", path, e.getErrorCode());
    }
    if (n == 0) {
      return List.of();
    }
    byte[] all = list.getByteArray(0, (int) n);
    List<Xattr> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == 0) {
        if (i > start) {
          byte[] name = Arrays.copyOfRange(all, start, i + 1); // with its NUL
          byte[] value = get(path, p, name);
          if (value != null && value.length > 0) {
            out.add(new Xattr(decodeName(path, name), value));
          }
        }
        start = i + 1;
      }
    }
    return out;
  }

  @Override
  public byte[] xattr(Path path, String name) {
    return get(path, cPath(path), cName(name));
  }

  /** One value; null when it is gone (removed between listing and reading) or never was. */
  private byte[] get(Path path, byte[] p, byte[] name) {
    Memory buf = values.get();
    try {
      long n = Libc.lgetxattr(p, name, buf, XATTR_MAX);
      return buf.getByteArray(0, (int) n);
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      if (errno == NativeFsException.ENODATA || errno == NativeFsException.ENOTSUP) {
        return null;
      }
      throw new NativeFsException("lgetxattr " + printable(name), path, errno);
    }
  }

  @Override
  public void setXattr(Path path, String name, byte[] value) {
    byte[] n = cName(name);
    try {
      Libc.lsetxattr(cPath(path), n, value, value.length, 0);
    } catch (LastErrorException e) {
      throw new NativeFsException("lsetxattr " + printable(n), path, e.getErrorCode());
    }
  }

  @Override
  public void removeXattr(Path path, String name) {
    byte[] n = cName(name);
    try {
      Libc.lremovexattr(cPath(path), n);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != NativeFsException.ENODATA) {
        throw new NativeFsException("lremovexattr " + printable(n), path, e.getErrorCode());
      }
    }
  }

  @Override
  public void syncfs(Path path) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    try {
      Libc.syncfs(fd);
    } catch (LastErrorException e) {
      throw new NativeFsException("syncfs", path, e.getErrorCode());
    } finally {
      closeQuietly(fd);
    }
  }

  @Override
  public boolean immutable(Path path) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | Loaded.O_NOFOLLOW | O_CLOEXEC);
    try {
      return (flags(path, fd) & FS_IMMUTABLE_FL) != 0;
    } finally {
      closeQuietly(fd);
    }
  }

  @Override
  public void setImmutable(Path path, boolean immutable) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | Loaded.O_NOFOLLOW | O_CLOEXEC);
    try {
      int old = flags(path, fd);
      int wanted = immutable ? old | FS_IMMUTABLE_FL : old & ~FS_IMMUTABLE_FL;
      if (wanted != old) {
        try {
          Libc.ioctl(fd, FS_IOC_SETFLAGS, new int[] {wanted});
        } catch (LastErrorException e) {
          throw new NativeFsException("ioctl FS_IOC_SETFLAGS", path, e.getErrorCode());
        }
      }
    } finally {
      closeQuietly(fd);
    }
  }

  @Override
  public byte[] readSymbolicLink(Path link) {
    Memory buf = values.get(); // PATH_MAX (4096) fits; a longer target is reported, not cut
    long n;
    try {
      n = Libc.readlink(cPath(link), buf, XATTR_MAX);
    } catch (LastErrorException e) {
      throw new NativeFsException("readlink", link, e.getErrorCode());
    }
    if (n >= XATTR_MAX) {
      throw new OstreeException("readlink(" + link + "): target longer than " + XATTR_MAX);
    }
    return buf.getByteArray(0, (int) n);
  }

  @Override
  public void createSymbolicLink(Path link, byte[] target) {
    try {
      Libc.symlink(Arrays.copyOf(target, target.length + 1), cPath(link));
    } catch (LastErrorException e) {
      throw new NativeFsException("symlink", link, e.getErrorCode());
    }
  }

  @Override
  public boolean exists(Path path) {
    return Libc.faccessat(AT_FDCWD, cPath(path), F_OK, AT_SYMLINK_NOFOLLOW) == 0;
  }

  @Override
  public void chown(Path path, int uid, int gid) {
    try {
      Libc.lchown(cPath(path), uid, gid);
    } catch (LastErrorException e) {
      throw new NativeFsException("lchown", path, e.getErrorCode());
    }
  }

  @Override
  public void setMtimeZero(Path path) {
    try {
      Libc.utimensat(AT_FDCWD, cPath(path), MTIME_ZERO, AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw new NativeFsException("utimensat", path, e.getErrorCode());
    }
  }

  private static int flags(Path path, int fd) {
    int[] flags = new int[1];
    try {
      Libc.ioctl(fd, FS_IOC_GETFLAGS, flags);
    } catch (LastErrorException e) {
      throw new NativeFsException("ioctl FS_IOC_GETFLAGS", path, e.getErrorCode());
    }
    return flags[0];
  }

  private static int open(Path path, int flags) {
    try {
      return Libc.open(cPath(path), flags);
    } catch (LastErrorException e) {
      throw new NativeFsException("open", path, e.getErrorCode());
    }
  }

  private static void closeQuietly(int fd) {
    try {
      Libc.close(fd);
    } catch (LastErrorException ignored) {
      // a read-only descriptor: nothing was left unwritten
    }
  }

  /** A path as the NUL-terminated bytes the JDK itself passes to the kernel. */
  private static byte[] cPath(Path path) {
    byte[] s = FileNames.system().bytes(path);
    return Arrays.copyOf(s, s.length + 1);
  }

  private static byte[] cName(String name) {
    byte[] s = name.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(s, s.length + 1);
  }

  /**
   * An xattr name from the kernel: UTF-8 (as a commit's {@code ay} names are compared), or an
   * error.
   */
  private static String decodeName(Path path, byte[] withNul) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(withNul, 0, withNul.length - 1))
          .toString();
    } catch (CharacterCodingException e) {
      throw new OstreeException(
          "xattr name 0x"
              + HexFormat.of().formatHex(withNul, 0, withNul.length - 1)
              + " on "
              + path
              + " is not valid UTF-8");
    }
  }

  private static String printable(byte[] withNul) {
    return new String(withNul, 0, withNul.length - 1, StandardCharsets.UTF_8);
  }
}
