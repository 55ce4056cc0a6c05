package dev.treewave.ostree.core;

/** POSIX {@code st_mode} helpers (type bits as in Linux's stat.h). */
public final class FileMode {
  public static final int S_IFMT = 0170000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFDIR = 0040000;
  public static final int PERMISSION_BITS = 07777;

  private FileMode() {}

  public static boolean isRegular(int mode) {
    return (mode & S_IFMT) == S_IFREG;
  }

  public static boolean isSymlink(int mode) {
    return (mode & S_IFMT) == S_IFLNK;
  }

  public static boolean isDirectory(int mode) {
    return (mode & S_IFMT) == S_IFDIR;
  }

  public static int permissions(int mode) {
    return mode & PERMISSION_BITS;
  }
}
