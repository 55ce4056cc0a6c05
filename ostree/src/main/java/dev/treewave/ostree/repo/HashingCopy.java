package dev.treewave.ostree.repo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/** Copies exactly {@code size} bytes while feeding them to a digest (if not null). */
final class HashingCopy {
  private HashingCopy() {}

  private static final int BUFFER = 128 * 1024;

  /**
   * One copy buffer per thread: a pull copies thousands of mostly small objects, and a fresh 128
   * KiB array per object costs more zeroing and garbage than the copy itself.
   */
  private static final ThreadLocal<byte[]> BUFFERS =
      ThreadLocal.withInitial(() -> new byte[BUFFER]);

  static void copy(InputStream in, OutputStream out, long size, MessageDigest digest)
      throws IOException {
    byte[] buf = BUFFERS.get();
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw early(left);
      }
      if (digest != null) {
        digest.update(buf, 0, n);
      }
      out.write(buf, 0, n);
      left -= n;
    }
    checkEnd(in, size);
  }

  /** As above, straight to a file channel: one write() per filled buffer, no stream layers. */
  static void copy(InputStream in, FileChannel out, long size, MessageDigest digest)
      throws IOException {
    byte[] buf = BUFFERS.get();
    long left = size;
    while (left > 0) {
      // fill the buffer before writing: inflating streams return a little at a time
      int filled = 0;
      int want = (int) Math.min(buf.length, left);
      while (filled < want) {
        int n = in.read(buf, filled, want - filled);
        if (n < 0) {
          throw early(left - filled);
        }
        filled += n;
      }
      if (digest != null) {
        digest.update(buf, 0, filled);
      }
      FastWrite.writeFully(out, ByteBuffer.wrap(buf, 0, filled));
      left -= filled;
    }
    checkEnd(in, size);
  }

  private static OstreeException early(long left) {
    return new OstreeException("content ended " + left + " bytes early (file changed?)");
  }

  private static void checkEnd(InputStream in, long size) throws IOException {
    if (in.read() >= 0) {
      throw new OstreeException("content is longer than its declared size " + size);
    }
  }
}
