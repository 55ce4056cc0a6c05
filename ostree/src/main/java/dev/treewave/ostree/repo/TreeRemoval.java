package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Removes a directory tree of any depth. Each directory is opened relative to its parent's open
 * descriptor ({@link SecureDirectoryStream}, openat/unlinkat on Linux), so neither the Java stack,
 * a path's length nor the number of open descriptors grows with depth (a 10,000-deep tree has paths
 * far beyond PATH_MAX, which {@link Files#walkFileTree} cannot reach), and no symlink is followed.
 * Directories are made writable before they are emptied, so a read-only one from a checkout can be
 * removed without root.
 */
public final class TreeRemoval {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private TreeRemoval() {}

  /** Removes {@code path} (a file, symlink or tree); absent is fine. */
  public static void delete(Path path) throws IOException {
    if (!Files.isDirectory(path, NOFOLLOW)) {
      Files.deleteIfExists(path);
      return;
    }
    deleteContents(path);
    Files.deleteIfExists(path);
  }

  /**
   * At most this many directories are held open at once (two descriptors each); deeper ones are
   * reopened from the top by name when the walk climbs back to them, so a 10,000-deep tree costs
   * about depth²/WINDOW opens instead of 20,000 descriptors.
   */
  static final int WINDOW = 128;

  /** One directory on the way down: its name in its parent, and its stream while open. */
  private static final class Frame {
    final Path name;
    SecureDirectoryStream<Path> dir;
    Iterator<Path> entries;

    Frame(Path name) {
      this.name = name;
    }

    void open(SecureDirectoryStream<Path> d) {
      dir = d;
      entries = d.iterator();
    }

    void close() throws IOException {
      if (dir != null) {
        dir.close();
        dir = null;
        entries = null;
      }
    }
  }

  /** Empties the directory {@code dir}, keeping it. */
  public static void deleteContents(Path dir) throws IOException {
    List<Frame> stack = new ArrayList<>();
    stack.add(new Frame(null));
    int lowestOpen = reopen(dir, stack, 0);
    try {
      while (!stack.isEmpty()) {
        int top = stack.size() - 1;
        Frame f = stack.get(top);
        if (f.dir == null) {
          lowestOpen = reopen(dir, stack, top);
        }
        if (!f.entries.hasNext()) {
          f.close();
          stack.remove(top);
          if (top > 0) {
            Frame parent = stack.get(top - 1);
            if (parent.dir == null) {
              lowestOpen = reopen(dir, stack, top - 1);
            }
            parent.dir.deleteDirectory(f.name);
          }
          continue;
        }
        Path name = f.entries.next().getFileName();
        boolean isDir;
        try {
          isDir =
              f.dir
                  .getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW)
                  .readAttributes()
                  .isDirectory();
        } catch (NoSuchFileException gone) {
          continue;
        }
        if (!isDir) {
          f.dir.deleteFile(name);
          continue;
        }
        try {
          f.dir
              .getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW)
              .setPermissions(PosixFilePermissions.fromString("rwx------"));
        } catch (IOException notOurs) {
          // root needs no write bit; anyone else gets the real error from the deletes below
        }
        Frame child = new Frame(name);
        child.open(f.dir.newDirectoryStream(name, NOFOLLOW));
        stack.add(child);
        if (stack.size() - lowestOpen > WINDOW) {
          stack.get(lowestOpen++).close();
        }
      }
    } finally {
      for (Frame f : stack) {
        f.close();
      }
    }
  }

  /**
   * Opens frames {@code top-WINDOW+1 .. top} by walking down from {@code root} by name (the ones
   * above stay closed); an open directory's listing restarts, which is right: everything it had
   * listed before is already gone. Returns the lowest open index.
   */
  private static int reopen(Path root, List<Frame> stack, int top) throws IOException {
    int from = Math.max(0, top - WINDOW + 1);
    for (Frame f : stack) {
      f.close();
    }
    DirectoryStream<Path> first = Files.newDirectoryStream(root);
    if (!(first instanceof SecureDirectoryStream<Path> cur)) {
      first.close();
      throw new IOException("No openat-based directory access on this platform: " + root);
    }
    for (int j = 1; j <= top; j++) {
      SecureDirectoryStream<Path> next;
      try {
        next = cur.newDirectoryStream(stack.get(j).name, NOFOLLOW);
      } catch (IOException e) {
        cur.close();
        throw e;
      }
      if (j - 1 >= from) {
        stack.get(j - 1).open(cur);
      } else {
        cur.close();
      }
      cur = next;
    }
    stack.get(top).open(cur);
    return from;
  }
}
