package dev.treewave.ostree.repo;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The raw-deflate inflaters behind every {@code .filez} read (checkout, fsck, pulls, deltas): lent
 * to an open content stream and taken back, reset, when it closes. A fresh {@link Inflater} per
 * object costs a native zlib allocation with its ~40 KB window and a Cleaner registration, which
 * over thousands of objects shows in time and resident memory; a thread-local one cannot serve a
 * thread that holds two objects open at once (a delta reads a file and its previous version).
 */
final class InflaterPool {
  /** Kept idle at most: enough for a pull's fetch threads plus a delta generator. */
  private static final int IDLE = 32;

  private static final ArrayBlockingQueue<Inflater> IDLE_INFLATERS = new ArrayBlockingQueue<>(IDLE);

  private InflaterPool() {}

  /**
   * Inflates {@code raw} with a pooled inflater through a buffer of {@code bufferSize} bytes;
   * closing the stream closes {@code raw} and returns the inflater (once, however often it is
   * closed).
   */
  static InputStream inflating(InputStream raw, int bufferSize) {
    Inflater inflater = IDLE_INFLATERS.poll();
    return new Lent(raw, inflater != null ? inflater : new Inflater(true), bufferSize);
  }

  private static void giveBack(Inflater inflater) {
    inflater.reset();
    if (!IDLE_INFLATERS.offer(inflater)) {
      inflater.end();
    }
  }

  private static final class Lent extends InflaterInputStream {
    private final AtomicBoolean returned = new AtomicBoolean();

    Lent(InputStream raw, Inflater inflater, int bufferSize) {
      super(raw, inflater, bufferSize);
    }

    @Override
    public void close() throws IOException {
      try {
        super.close(); // closes raw; a supplied inflater is not ended
      } finally {
        if (returned.compareAndSet(false, true)) {
          giveBack(inf);
        }
      }
    }
  }
}
