package dev.treewave.ostree.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.tukaani.xz.LZMA2Options;

/**
 * Writes finished delta parts (xz is most of a delta's CPU) on background threads while the
 * generator reads and diffs the next objects: parts are independent, so several can compress at
 * once (one thread per core, up to four). Part numbers follow submission order whatever order the
 * writes finish in.
 *
 * <p>Memory stays bounded: at most one part more than there are threads waits as a spooled temp
 * file, and a part's xz encoder (23 MiB with a 2 MiB dictionary) only starts when its share of a
 * budget of half the heap is free, so a 64 MiB heap runs one full-size encoder at a time beside the
 * generator's own diff buffers (small parts' encoders, sized to their payload, still run side by
 * side).
 */
final class PartWriters implements AutoCloseable {
  /** A part write: returns its header once the file is in place. */
  interface Job {
    DeltaSuperblock.PartHeader write() throws IOException;

    /** Drops the part's spooled data unwritten (the generation failed meanwhile). */
    void discard() throws IOException;
  }

  private final ExecutorService pool;
  private final Semaphore queued;
  private final Semaphore memoryKib;
  private final int budgetKib;
  private final List<Future<DeltaSuperblock.PartHeader>> parts = new ArrayList<>();
  private final AtomicBoolean abandoned = new AtomicBoolean();
  private boolean finished;

  PartWriters(int threads) {
    int n = Math.max(1, threads);
    this.pool =
        Executors.newFixedThreadPool(
            n,
            r -> {
              Thread t = new Thread(r, "delta-part-writer");
              t.setDaemon(true);
              return t;
            });
    this.queued = new Semaphore(n + 1);
    this.budgetKib = (int) Math.max(1, Runtime.getRuntime().maxMemory() / 2 / 1024);
    this.memoryKib = new Semaphore(budgetKib);
  }

  /**
   * Threads for this machine: one per core, at most four (the memory budget rarely lets more
   * full-size encoders run at once, and every queued part is a temp file of up to 32 MB).
   */
  static int defaultThreads() {
    return Math.min(4, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Queues a part write (blocking while too many are pending); {@code encoder} is its xz options or
   * null when stored uncompressed. {@code part} makes the write job for the part's index, which is
   * its position in submission order. Returns that index.
   */
  int submit(LZMA2Options encoder, IntFunction<Job> part) throws IOException {
    Job job = part.apply(parts.size());
    int needKib =
        encoder == null ? 0 : Math.min(budgetKib, Math.max(1, encoder.getEncoderMemoryUsage()));
    try {
      queued.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.discard();
      throw new IOException("interrupted while queueing a delta part", e);
    }
    Callable<DeltaSuperblock.PartHeader> task =
        () -> {
          try {
            if (abandoned.get()) {
              job.discard();
              return null;
            }
            memoryKib.acquire(needKib);
            try {
              return job.write();
            } finally {
              memoryKib.release(needKib);
            }
          } finally {
            queued.release();
          }
        };
    try {
      parts.add(pool.submit(task));
    } catch (RuntimeException e) {
      queued.release();
      job.discard();
      throw e;
    }
    return parts.size() - 1;
  }

  /** Waits for every part; the first failure (in part order) is rethrown. */
  List<DeltaSuperblock.PartHeader> finish() throws IOException {
    List<DeltaSuperblock.PartHeader> out = new ArrayList<>(parts.size());
    for (Future<DeltaSuperblock.PartHeader> f : parts) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while writing delta parts", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof UncheckedIOException u) {
          throw u.getCause();
        }
        if (c instanceof RuntimeException r) {
          throw r;
        }
        if (c instanceof Error err) {
          throw err;
        }
        throw new IOException(c);
      }
    }
    finished = true;
    return out;
  }

  /**
   * Stops the threads. After a failure, queued parts are dropped and running writes are awaited, so
   * that no temp file outlives the generator.
   */
  @Override
  public void close() {
    if (!finished) {
      abandoned.set(true);
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.MINUTES)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
