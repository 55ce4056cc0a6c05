package dev.treewave.ostree.checkout;

import dev.treewave.ostree.repo.TreeRemoval;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Short names for deep directories. Java reaches a file only by its whole path, and the kernel
 * refuses paths longer than PATH_MAX (4,096 bytes), while a valid commit may be 10,000 directories
 * deep (libostree checks it out through directory descriptors, which Java 17 cannot create). When a
 * directory's path grows past {@link #THRESHOLD} bytes, a symlink to it in a private temporary
 * directory stands in for it, and its children are reached through that symlink. An anchor's target
 * is itself written through the previous anchor, so a path costs one nested symlink per {@value
 * #THRESHOLD} bytes; the kernel follows at most 40 nested symlinks, so this reaches paths of about
 * 100 KB (50,000 levels of one-letter names), beyond which the checkout fails cleanly with "Too
 * many levels of symbolic links". The symlinks are ours, outside the target: no symlink inside the
 * checkout is ever followed.
 */
final class PathAnchors implements AutoCloseable {
  static final int THRESHOLD = 3000;

  private final AtomicInteger next = new AtomicInteger();
  private Path home;

  /** {@code dir} itself, or an anchor to it when its path is too long to extend safely. */
  Path shorten(Path dir) throws IOException {
    if (dir.toString().getBytes(StandardCharsets.UTF_8).length <= THRESHOLD) {
      return dir;
    }
    Path link = home().resolve(Integer.toString(next.getAndIncrement()));
    Files.createSymbolicLink(link, dir.toAbsolutePath());
    return link;
  }

  private synchronized Path home() throws IOException {
    if (home == null) {
      home = Files.createTempDirectory("treewave-checkout-"); // 0700: only we use the anchors
    }
    return home;
  }

  @Override
  public synchronized void close() throws IOException {
    if (home != null) {
      TreeRemoval.delete(home); // removes the symlinks, never what they point to
      home = null;
    }
  }
}
