package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.ContentObjects;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.Transaction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hashes and stores content objects on a thread pool. Each file is hashed first and written only if
 * the repository lacks the object, so re-committing an unchanged tree reads and hashes but never
 * compresses or copies. Small files are read once into memory for both steps.
 *
 * <p>Work starts while the directory scan is still running, so the scan (a second or so of stat and
 * readdir on a Debian tree, in a cold JVM) overlaps compression instead of leaving the other cores
 * idle. The queue hands out the largest waiting file first: a 50 MB apt list takes a core a second
 * or two to compress and must not end up alone at the tail while the other cores idle.
 */
final class ContentImporter implements AutoCloseable {
  private static final int IN_MEMORY_LIMIT = 4 * 1024 * 1024;
  private static final long MAX_BYTES_IN_FLIGHT = 256L * 1024 * 1024;

  private final Transaction tx;
  private final ThreadPoolExecutor pool;
  private final AtomicLong sequence = new AtomicLong();
  private final Semaphore inFlight = new Semaphore((int) (MAX_BYTES_IN_FLIGHT / 1024));
  final AtomicLong filesDone = new AtomicLong();
  private final SizesCollector sizes;

  /** {@code sizes} may be null: no {@code ostree.sizes} wanted. */
  ContentImporter(Transaction tx, int threads, SizesCollector sizes) {
    this.tx = tx;
    this.sizes = sizes;
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0L,
            TimeUnit.MILLISECONDS,
            new PriorityBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "ostree-commit");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Files at least this big are started before any smaller one, largest first; below it, the order
   * of submission (the order in which MutableTree.write needs them) is kept.
   */
  static final long BIG_FILE = 256 * 1024;

  /** A queued task: big files first by size, then everything in submission order. */
  record Ranked(long size, long seq, Runnable task) implements Runnable, Comparable<Ranked> {
    @Override
    public void run() {
      task.run();
    }

    private long rank() {
      return size >= BIG_FILE ? size : 0;
    }

    @Override
    public int compareTo(Ranked o) {
      int bySize = Long.compare(o.rank(), rank());
      return bySize != 0 ? bySize : Long.compare(seq, o.seq);
    }
  }

  private void execute(long size, Runnable task) {
    pool.execute(new Ranked(size, sequence.getAndIncrement(), task));
  }

  /** For tasks whose size is the length of data already in memory. */
  private Executor sized(long size) {
    return task -> execute(size, task);
  }

  /** A regular file on disk with the (policy-applied) header fields; queued at once. */
  Future<ObjectId> regularFile(
      Path file,
      long scannedSize,
      int uid,
      int gid,
      int mode,
      XattrSource xattrs,
      String relative) {
    int gen = generation();
    CompletableFuture<ObjectId> result = new CompletableFuture<>();
    execute(
        scannedSize,
        () -> {
          try {
            result.complete(importFile(file, uid, gid, mode, xattrs, relative, gen));
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    return result;
  }

  private ObjectId importFile(
      Path file, int uid, int gid, int mode, XattrSource xattrs, String relative, int gen) {
    try {
      FileHeader h = FileHeader.regular(uid, gid, mode, xattrs.of(file, relative));
      long size = Files.size(file);
      ObjectId id;
      if (size <= IN_MEMORY_LIMIT) {
        byte[] data = Files.readAllBytes(file);
        id = ContentObjects.checksum(h, data);
        tx.writeContentTrusted(id, h, data); // skips an object already stored
      } else {
        try (InputStream in = Files.newInputStream(file)) {
          id = ContentObjects.checksum(h, in);
        }
        if (!tx.hasObject(ObjectType.FILE, id)) {
          try (InputStream in = Files.newInputStream(file)) {
            tx.writeContent(id, h, in, size);
          }
        }
      }
      recordSize(id, size, gen);
      filesDone.incrementAndGet();
      return id;
    } catch (IOException e) {
      throw new OstreeException("Reading " + file + ": " + e.getMessage(), e);
    }
  }

  /** Content already in memory (tar entries); bounded so a big tarball cannot exhaust the heap. */
  Future<ObjectId> bytes(FileHeader h, byte[] data) {
    int gen = generation();
    int permits = Math.max(1, data.length / 1024);
    inFlight.acquireUninterruptibly(Math.min(permits, (int) (MAX_BYTES_IN_FLIGHT / 1024)));
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            MessageDigest d = ContentObjects.startDigest(h);
            d.update(data);
            ObjectId id = ObjectId.ofDigest(d);
            tx.writeContentTrusted(id, h, data); // skips an object already stored
            recordSize(id, h.isSymlink() ? symlinkLength(h) : data.length, gen);
            filesDone.incrementAndGet();
            return id;
          } finally {
            inFlight.release(Math.min(permits, (int) (MAX_BYTES_IN_FLIGHT / 1024)));
          }
        },
        sized(data.length));
  }

  /** An existing object stored again with a transformed header (same payload). */
  Future<ObjectId> rewritten(
      dev.treewave.ostree.repo.OstreeRepo source,
      ObjectId id,
      java.util.function.UnaryOperator<FileHeader> transform) {
    int gen = generation();
    return CompletableFuture.supplyAsync(
        () -> {
          try (dev.treewave.ostree.repo.ContentObject c = source.openContent(id)) {
            FileHeader h = transform.apply(c.header());
            long unpacked = h.isSymlink() ? symlinkLength(h) : c.size();
            if (h.equals(c.header())) {
              recordSize(id, unpacked, gen);
              return id;
            }
            byte[] data = c.content().readAllBytes();
            ObjectId nid = ContentObjects.checksum(h, data);
            tx.writeContentTrusted(nid, h, data); // skips an object already stored
            recordSize(nid, unpacked, gen);
            filesDone.incrementAndGet();
            return nid;
          } catch (IOException e) {
            throw new OstreeException("Reading object " + id + ": " + e.getMessage(), e);
          }
        },
        sized(0));
  }

  /** Symlinks have no payload, but storing one is still a file write: queued like the rest. */
  Future<ObjectId> symlink(FileHeader h) {
    int gen = generation();
    return CompletableFuture.supplyAsync(
        () -> {
          ObjectId id = ContentObjects.symlinkChecksum(h);
          tx.writeContent(id, h, InputStream.nullInputStream(), 0); // skips a stored one
          recordSize(id, symlinkLength(h), gen);
          return id;
        },
        sized(0));
  }

  private int generation() {
    return sizes == null ? 0 : sizes.generation();
  }

  private void recordSize(ObjectId id, long unpacked, int generation) {
    if (sizes != null) {
      sizes.content(id, unpacked, generation);
    }
  }

  /** libostree counts a symlink's unpacked size as the length of its target (strlen). */
  private static long symlinkLength(FileHeader h) {
    return h.symlinkTarget().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /**
   * Stops the workers and waits for them: files are queued while the scan runs, so a scan that
   * fails leaves work in flight, and the transaction's clean-up must not race a worker still
   * writing into its staging directory.
   */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(5, TimeUnit.MINUTES)) {
        throw new OstreeException("Commit workers did not stop within 5 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
