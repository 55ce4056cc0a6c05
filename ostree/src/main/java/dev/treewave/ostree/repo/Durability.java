package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Makes staged objects durable before they get their final names, as libostree does: one {@code
 * syncfs} for the file system; where native calls are unavailable (or syncfs fails) every staged
 * file is fsync'd instead.
 */
final class Durability {
  /** One background writeback at a time: a second one would only wait behind the first. */
  private static final AtomicBoolean WRITEBACK_RUNNING = new AtomicBoolean();

  private Durability() {}

  /**
   * Starts writing back the file system's dirty data without waiting for it (syncfs on a daemon
   * thread), so that the sync a commit must wait for finds less to do. Best effort: nothing depends
   * on it having run.
   */
  static void startWriteback(Path dir) {
    NativeFs fs = NativeFs.system().orElse(null);
    if (fs == null || !WRITEBACK_RUNNING.compareAndSet(false, true)) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                fs.syncfs(dir);
              } catch (RuntimeException e) {
                // the commit's own sync still makes everything durable
              } finally {
                WRITEBACK_RUNNING.set(false);
              }
            },
            "treewave-writeback");
    t.setDaemon(true);
    t.start();
  }

  static void syncFilesystemOf(Path dir) throws IOException {
    NativeFs fs = NativeFs.system().orElse(null);
    if (fs != null) {
      try {
        fs.syncfs(dir);
        return;
      } catch (NativeFsException e) {
        // fall through to per-file fsync
      }
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
