package dev.treewave.ostree.hostile;

import dev.treewave.ostree.pull.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Test helper: a small real file system (tmpfs of a given size, mounted as root in a temp
 * directory, unmounted on close) to measure what a write puts on disk and to fill it.
 */
final class SmallFilesystem implements AutoCloseable {
  final Path mountPoint;

  private SmallFilesystem(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code megabytes} at {@code dir}; skips the test if not root. */
  static SmallFilesystem mount(Path dir, int megabytes) throws IOException {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    Files.createDirectories(dir);
    Cli.Result r =
        Cli.run(
            List.of(
                "mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()),
            Map.of());
    Assumptions.assumeTrue(r.exit() == 0, "mount failed: " + r.err());
    return new SmallFilesystem(dir);
  }

  /** Bytes in use on the file system (statvfs: total minus free). */
  long usedBytes() throws IOException {
    var fs = Files.getFileStore(mountPoint);
    return fs.getTotalSpace() - fs.getUnallocatedSpace();
  }

  @Override
  public void close() {
    Cli.Result r = Cli.run(List.of("umount", "-l", mountPoint.toString()), Map.of());
    if (r.exit() != 0) {
      throw new AssertionError("umount " + mountPoint + ": " + r.err());
    }
  }
}
