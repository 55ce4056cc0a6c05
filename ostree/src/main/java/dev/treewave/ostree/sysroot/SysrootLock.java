package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The sysroot lock: a record lock on {@code ostree/lock}, the file libostree locks (with an OFD
 * lock, which conflicts with ours), so we never write a boot configuration concurrently with
 * ostree, rpm-ostree or another agent.
 */
final class SysrootLock {

  private SysrootLock() {}

  /** The lock libostree takes: mutual exclusion with a concurrent ostree/rpm-ostree. */
  static FileLock acquire(SysrootPaths paths) throws IOException {
    Path file = paths.lockFile();
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
        lock = null; // another thread of this process holds it: just as busy
      }
      if (lock == null) {
        ch.close();
        throw new SysrootBusyException("sysroot " + paths.root() + " is locked by another process");
      }
      return new ClosingLock(ch, lock);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** A lock whose release also closes its channel. */
  private static final class ClosingLock extends FileLock {
    private final FileLock inner;

    ClosingLock(FileChannel ch, FileLock inner) {
      super(ch, 0, Long.MAX_VALUE, false);
      this.inner = inner;
    }

    @Override
    public boolean isValid() {
      return inner.isValid();
    }

    @Override
    public void release() throws IOException {
      try {
        inner.release();
      } finally {
        channel().close();
      }
    }
  }
}
