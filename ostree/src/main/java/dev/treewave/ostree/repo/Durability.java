package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes staged objects durable before they get their final names, as libostree does with syncfs():
 * Java has no syncfs, so {@code sync -f} (coreutils) does it in one call; if that is unavailable
 * every staged file is fsync'd instead.
 */
final class Durability {
  private Durability() {}

  /**
   * Starts writing back the file system's dirty data without waiting for it ({@code sync -f} in the
   * background), so that the sync a commit must wait for finds less to do. Best effort: nothing
   * depends on it having run.
   */
  static void startWriteback(Path dir) {
    try {
      new ProcessBuilder("sync", "-f", dir.toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException | RuntimeException e) {
      // the commit's own sync still makes everything durable
    }
  }

  static void syncFilesystemOf(Path dir) throws IOException {
    try {
      Process p =
          new ProcessBuilder("sync", "-f", dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0) {
        return;
      }
      p.destroy();
    } catch (IOException e) {
      // fall through to per-file fsync
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while syncing", e);
    }
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> files = s.filter(Files::isRegularFile).toList();
      for (Path f : files) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
          ch.force(true);
        }
      }
    }
  }
}
