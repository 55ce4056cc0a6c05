package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Shared/exclusive lock on {@code REPO/.lock}: writers (transactions) share it, prune holds it
 * exclusively. Threads of this JVM coordinate through a read-write lock; other processes through an
 * OS lock on the file, taken by the first holder and dropped by the last. Java's file locks are
 * classic fcntl record locks over the whole file; libostree 2022.7 takes open-file-description
 * fcntl locks (F_OFD_SETLK) on the same file, and Linux makes the two kinds conflict, so this also
 * excludes a concurrent real ostree (LockInteropIT).
 */
final class RepoLock {
  private static final ConcurrentHashMap<Path, RepoLock> LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
  private FileChannel channel;
  private FileLock osLock;
  private int holders;

  private RepoLock(Path file) {
    this.file = file;
  }

  static RepoLock of(Path repo) {
    Path abs = repo.toAbsolutePath().normalize();
    return LOCKS.computeIfAbsent(abs, p -> new RepoLock(p.resolve(".lock")));
  }

  /** A held lock; close to release. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  Held shared() {
    rw.readLock().lock();
    try {
      acquireOs(true);
    } catch (RuntimeException e) {
      rw.readLock().unlock();
      throw e;
    }
    return () -> {
      releaseOs();
      rw.readLock().unlock();
    };
  }

  Held exclusive() {
    rw.writeLock().lock();
    try {
      acquireOs(false);
    } catch (RuntimeException e) {
      rw.writeLock().unlock();
      throw e;
    }
    return () -> {
      releaseOs();
      rw.writeLock().unlock();
    };
  }

  private synchronized void acquireOs(boolean shared) {
    if (holders++ > 0) {
      return;
    }
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      osLock = channel.lock(0, Long.MAX_VALUE, shared);
    } catch (IOException e) {
      holders--;
      closeQuietly();
      throw new OstreeException("Locking repository: " + e.getMessage(), e);
    }
  }

  private synchronized void releaseOs() {
    if (--holders > 0) {
      return;
    }
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      if (osLock != null) {
        osLock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // Closing the channel drops the lock anyway.
    }
    osLock = null;
    channel = null;
  }
}
