package dev.treewave.ostree.pull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * A response body held to the request deadline and the low-speed limit of {@link HttpOptions}: a
 * server trickling one byte every few seconds fails after the low-speed time instead of holding a
 * pull for ever. (A server sending nothing at all blocks inside a read; the connection's read
 * timeout, at most the low-speed time, ends that.)
 */
final class TransferGuard extends FilterInputStream {
  /** A transfer stopped for being too slow or too long: a network failure, retried. */
  static final class TooSlowException extends IOException {
    TooSlowException(String message) {
      super(message);
    }
  }

  private final String url;
  private final HttpOptions options;
  private final LongSupplier nanos;
  private final long start;
  private long bytes;
  private long windowStart;
  private long windowBytes;

  TransferGuard(
      InputStream in, String url, HttpOptions options, long startNanos, LongSupplier nanos) {
    super(in);
    this.url = url;
    this.options = options;
    this.nanos = nanos;
    this.start = startNanos;
    this.windowStart = startNanos;
  }

  @Override
  public int read() throws IOException {
    byte[] b = new byte[1];
    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    check();
    int n = in.read(b, off, len);
    if (n > 0) {
      bytes += n;
      check();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[8192];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  private void check() throws TooSlowException {
    long now = nanos.getAsLong();
    long deadline = options.requestTimeout().toNanos();
    if (deadline > 0 && now - start > deadline) {
      throw new TooSlowException(
          url
              + " took longer than the request deadline of "
              + options.requestTimeout().toSeconds()
              + " s");
    }
    if (!options.lowSpeedEnabled()) {
      return;
    }
    long window = options.lowSpeedTime().toNanos();
    if (now - windowStart >= window) {
      long needed = options.lowSpeedLimitBytes() * Math.max(1, options.lowSpeedTime().toSeconds());
      if (bytes - windowBytes < needed) {
        throw new TooSlowException(
            url
                + " transferred "
                + (bytes - windowBytes)
                + " bytes in "
                + options.lowSpeedTime().toSeconds()
                + " s, below the low-speed limit of "
                + options.lowSpeedLimitBytes()
                + " bytes/s");
      }
      windowStart = now;
      windowBytes = bytes;
    }
  }
}
