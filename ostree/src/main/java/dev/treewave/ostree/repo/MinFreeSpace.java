package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * libostree's free-space guard for one transaction: at its start, the blocks free on the
 * repository's file system minus the reserve ({@code core.min-free-space-size}, e.g. {@code 500MB};
 * otherwise {@code core.min-free-space-percent} of the file system, default 3) are what its content
 * writes may use. Each content object is charged its declared size, rounded up to blocks, before a
 * byte of it is written; one that does not fit is refused with libostree's message. So a hostile
 * object declaring 8 GiB, or a stream of them, cannot fill the disk.
 */
final class MinFreeSpace {
  static final int DEFAULT_PERCENT = 3;
  private static final Pattern SIZE = Pattern.compile("^([0-9]+)(MB|GB|TB)$");

  /** The reserve as configured: a size in MiB (wins if set), else a percentage. */
  record Config(int percent, long sizeMb) {
    static Config of(KeyFile config) {
      Optional<String> size = config.get("core", "min-free-space-size");
      if (size.isPresent()) {
        Matcher m = SIZE.matcher(size.get().strip());
        if (!m.matches()) {
          throw new OstreeException(
              "Failed to parse min-free-space-size parameter: '" + size.get() + "'");
        }
        long n;
        try {
          n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
          throw new OstreeException("Invalid min-free-space-size '" + size.get() + "'");
        }
        int shift =
            switch (m.group(2)) {
              case "GB" -> 10;
              case "TB" -> 20;
              default -> 0;
            };
        if (n > (Long.MAX_VALUE >> (20 + shift))) {
          throw new OstreeException("Invalid min-free-space-size '" + size.get() + "'");
        }
        return new Config(0, n << shift);
      }
      String p =
          config.get("core", "min-free-space-percent").orElse(Integer.toString(DEFAULT_PERCENT));
      int percent;
      try {
        percent = Integer.parseInt(p.strip());
      } catch (NumberFormatException e) {
        percent = -1;
      }
      if (percent < 0 || percent > 99) {
        throw new OstreeException("Invalid min-free-space-percent '" + p + "'");
      }
      return new Config(percent, 0);
    }

    boolean enabled() {
      return percent > 0 || sizeMb > 0;
    }

    long reservedBytes(long totalBytes) {
      return sizeMb > 0 ? sizeMb << 20 : (long) (totalBytes * (percent / 100.0));
    }

    String describe() {
      return sizeMb > 0
          ? "min-free-space-size " + sizeMb + "MB"
          : "min-free-space-percent '" + percent + "%'";
    }
  }

  private final Config config;
  private final long blockSize;
  private final AtomicLong blocksLeft;

  private MinFreeSpace(Config config, long blockSize, long blocksLeft) {
    this.config = config;
    this.blockSize = blockSize;
    this.blocksLeft = new AtomicLong(blocksLeft);
  }

  /** No guard (the reserve is configured to 0). */
  static final MinFreeSpace NONE = new MinFreeSpace(new Config(0, 0), 1, Long.MAX_VALUE);

  /** The guard for a transaction starting now in the repository at {@code repo}. */
  static MinFreeSpace start(Path repo, KeyFile repoConfig) {
    Config c = Config.of(repoConfig);
    if (!c.enabled()) {
      return NONE;
    }
    try {
      FileStore fs = Files.getFileStore(repo);
      long block = Math.max(1, fs.getBlockSize());
      long free = fs.getUnallocatedSpace() / block; // f_bfree, as libostree (root may use it)
      long reserved = c.reservedBytes(fs.getTotalSpace()) / block;
      return new MinFreeSpace(c, block, Math.max(0, free - reserved));
    } catch (IOException | UnsupportedOperationException e) {
      return NONE; // a file system without statvfs answers: as libostree, no guard
    }
  }

  /** Takes {@code bytes} (rounded up to blocks) from what is left, or refuses the write. */
  void charge(long bytes) {
    if (this == NONE || bytes <= 0) {
      return;
    }
    long blocks = bytes / blockSize + (bytes % blockSize == 0 ? 0 : 1);
    while (true) {
      long left = blocksLeft.get();
      if (blocks > left) {
        throw new MinFreeSpaceException(
            config.describe()
                + " would be exceeded, at least "
                + formatSize(blocks * blockSize)
                + " requested");
      }
      if (blocksLeft.compareAndSet(left, left - blocks)) {
        return;
      }
    }
  }

  /** GLib's {@code g_format_size}: decimal units, one decimal. */
  static String formatSize(long bytes) {
    if (bytes < 1000) {
      return bytes == 1 ? "1 byte" : bytes + " bytes";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
