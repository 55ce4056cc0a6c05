package dev.treewave.ostree.repo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Copies exactly {@code size} bytes while feeding them to a digest (if not null). */
final class HashingCopy {
  private HashingCopy() {}

  static void copy(InputStream in, OutputStream out, long size, MessageDigest digest)
      throws IOException {
    byte[] buf = new byte[128 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new OstreeException("content ended " + left + " bytes early (file changed?)");
      }
      if (digest != null) {
        digest.update(buf, 0, n);
      }
      out.write(buf, 0, n);
      left -= n;
    }
    if (in.read() >= 0) {
      throw new OstreeException("content is longer than its declared size " + size);
    }
  }
}
