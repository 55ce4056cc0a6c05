package dev.treewave.ostree.repo;

import java.nio.file.Path;
import java.util.Map;

/** A native file-system call failed; the message names the call, the path and the errno. */
public final class NativeFsException extends OstreeException {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ENODATA = 61;
  public static final int ENOTSUP = 95;
  public static final int ERANGE = 34;
  public static final int ENOTTY = 25;

  // asm-generic numbering: the same on x86_64 and aarch64, the platforms JNA is loaded on.
  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(EPERM, "EPERM (Operation not permitted)"),
          Map.entry(ENOENT, "ENOENT (No such file or directory)"),
          Map.entry(5, "EIO (Input/output error)"),
          Map.entry(7, "E2BIG (Argument list too long)"),
          Map.entry(9, "EBADF (Bad file descriptor)"),
          Map.entry(12, "ENOMEM (Cannot allocate memory)"),
          Map.entry(13, "EACCES (Permission denied)"),
          Map.entry(17, "EEXIST (File exists)"),
          Map.entry(20, "ENOTDIR (Not a directory)"),
          Map.entry(22, "EINVAL (Invalid argument)"),
          Map.entry(ENOTTY, "ENOTTY (Inappropriate ioctl for device)"),
          Map.entry(28, "ENOSPC (No space left on device)"),
          Map.entry(30, "EROFS (Read-only file system)"),
          Map.entry(ERANGE, "ERANGE (Numerical result out of range)"),
          Map.entry(36, "ENAMETOOLONG (File name too long)"),
          Map.entry(38, "ENOSYS (Function not implemented)"),
          Map.entry(40, "ELOOP (Too many levels of symbolic links)"),
          Map.entry(ENODATA, "ENODATA (No data available)"),
          Map.entry(ENOTSUP, "ENOTSUP (Operation not supported)"),
          Map.entry(122, "EDQUOT (Disk quota exceeded)"));

  private final int errno;

  NativeFsException(String call, Path path, int errno) {
    super(call + " " + path + ": " + errnoName(errno));
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  static String errnoName(int errno) {
    return NAMES.getOrDefault(errno, "errno " + errno);
  }
}
