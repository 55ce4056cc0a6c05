package dev.treewave.ostree.repo;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Yields exactly {@code size} bytes: a stream that ends early or runs on is an error, so a header's
 * size can never be trusted beyond the data actually present (and vice versa).
 */
final class BoundedStream extends FilterInputStream {
  private long left;

  BoundedStream(InputStream in, long size) {
    super(in);
    this.left = size;
  }

  @Override
  public int read() throws IOException {
    byte[] b = new byte[1];
    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (left == 0) {
      if (len > 0 && in.read() >= 0) {
        throw new ContentSizeException("content is longer than the size in its header");
      }
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n < 0) {
      // The underlying stream ended cleanly (a cut transfer or deflate stream fails with its own
      // EOFException before this): the data itself is short, which no retry fixes.
      throw new ContentSizeException("content is shorter than the size in its header");
    }
    left -= n;
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
}
