package dev.treewave.ostree.sysroot;

import dev.treewave.ostree.repo.NativeFs;
import dev.treewave.ostree.repo.NativeFsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The real filesystem. The immutable flag and {@code syncfs} have no Java API, so they go through
 * {@link NativeFs}; where those fail (no native calls, a filesystem without the attribute, no
 * CAP_LINUX_IMMUTABLE) the step is skipped, as libostree does.
 */
public final class LocalSysrootFs implements SysrootFs {

  @Override
  public void createDirectory(Path dir, int mode) throws IOException {
    Files.createDirectory(dir);
    chmod(dir, mode);
  }

  @Override
  public void createDirectoryLike(Path dir, Path like) throws IOException {
    int mode = (Integer) Files.getAttribute(like, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    Files.createDirectory(dir);
    chown(dir, like);
    chmod(dir, mode & 07777);
  }

  @Override
  public void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = tempSibling(file);
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  @Override
  public void copyWithMetadata(Path source, Path target) throws IOException {
    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    if (!Files.isSymbolicLink(target)) {
      chown(target, source);
    }
  }

  @Override
  public void linkOrCopy(Path source, Path target) throws IOException {
    Path tmp = tempSibling(target);
    try {
      try {
        Files.createLink(tmp, source);
      } catch (FileSystemException crossDevice) {
        Files.copy(source, tmp, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void symlink(Path link, String target) throws IOException {
    Files.createSymbolicLink(link, Path.of(target));
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      deleteRecursively(path);
    } catch (FileSystemException e) {
      // An immutable deployment root refuses unlinking its children: clear the flag, retry.
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        setImmutable(path, false);
      }
      deleteRecursively(path);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    // Any depth: a deployment checked out from a hostile commit may be far deeper than PATH_MAX.
    dev.treewave.ostree.repo.TreeRemoval.delete(path);
  }

  @Override
  public boolean setImmutable(Path dir, boolean immutable) {
    NativeFs fs = NativeFs.system().orElse(null);
    if (fs == null) {
      return false;
    }
    try {
      fs.setImmutable(dir, immutable);
      return true;
    } catch (NativeFsException e) {
      return false; // ENOTTY/ENOTSUP (no such flag here) or EPERM (no CAP_LINUX_IMMUTABLE)
    }
  }

  @Override
  public void sync(Path path) {
    // syncfs(2) on the filesystem holding path; without it we still fsynced every file we wrote.
    NativeFs.system()
        .ifPresent(
            fs -> {
              try {
                fs.syncfs(path);
              } catch (NativeFsException e) {
                // best effort, as above
              }
            });
  }

  static void chmod(Path path, int mode) throws IOException {
    // unix:mode takes the setuid/setgid/sticky bits too (chmod(2) with the whole mode).
    Files.setAttribute(path, "unix:mode", mode & 07777);
  }

  private static void chown(Path target, Path like) throws IOException {
    Object uid = Files.getAttribute(like, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    Object gid = Files.getAttribute(like, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    if (!uid.equals(Files.getAttribute(target, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
      Files.setAttribute(target, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }
    if (!gid.equals(Files.getAttribute(target, "unix:gid", LinkOption.NOFOLLOW_LINKS))) {
      Files.setAttribute(target, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
  }

  private static Path tempSibling(Path file) {
    return file.resolveSibling(
        "."
            + file.getFileName()
            + ".tmp-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }
}
