package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much free space a deploy must leave on the sysroot and boot filesystems: at least {@code
 * minFreeBytes} and at least {@code minFreePercent} of the filesystem (libostree's repo default is
 * 3 %). Checked before anything is written, so a refusal changes nothing.
 */
public record SpaceReserve(long minFreeBytes, int minFreePercent) {

  public SpaceReserve {
    if (minFreeBytes < 0 || minFreePercent < 0 || minFreePercent > 99) {
      throw new IllegalArgumentException(
          "bad space reserve " + minFreeBytes + "/" + minFreePercent);
    }
  }

  public static SpaceReserve defaults() {
    return new SpaceReserve(0, 3);
  }

  public static SpaceReserve none() {
    return new SpaceReserve(0, 0);
  }

  /** Reports usable and total bytes of the filesystem holding a path (injectable for tests). */
  public interface DiskSpace {
    long usable(Path path) throws IOException;

    long total(Path path) throws IOException;

    static DiskSpace real() {
      return new DiskSpace() {
        @Override
        public long usable(Path path) throws IOException {
          return store(path).getUsableSpace();
        }

        @Override
        public long total(Path path) throws IOException {
          return store(path).getTotalSpace();
        }

        private FileStore store(Path path) throws IOException {
          return Files.getFileStore(path);
        }
      };
    }
  }

  /**
   * Throws {@link InsufficientSpaceException} if writing {@code needed} bytes breaks the reserve.
   */
  void check(DiskSpace disk, Path where, String what, long needed) throws IOException {
    long usable = disk.usable(where);
    long total = disk.total(where);
    long reserve = Math.max(minFreeBytes, total / 100 * minFreePercent);
    if (usable - needed < reserve) {
      throw new InsufficientSpaceException(
          String.format(
              "not enough free space on the %s filesystem (%s): %d bytes free, %d needed, reserve"
                  + " %d bytes (min-free-bytes %d, min-free-percent %d); nothing was changed",
              what, where, usable, needed, reserve, minFreeBytes, minFreePercent));
    }
  }
}
