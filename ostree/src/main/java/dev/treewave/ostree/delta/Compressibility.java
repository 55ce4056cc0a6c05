package dev.treewave.ostree.delta;

import java.util.zip.Deflater;

/**
 * Tells content that xz cannot shrink (already compressed: gzip'ed docs, images, firmware, random
 * bytes) from content worth compressing, with a fast deflate pass. Java's xz encoder spends as long
 * on incompressible bytes (about 2 MB/s) as on text, only to emit them as stored LZMA2 chunks; such
 * objects go into uncompressed parts (compression type 0, which every ostree client reads) at no
 * cost in size.
 */
final class Compressibility {
  /** Smaller objects always go to the compressed parts: the probe would not pay for itself. */
  static final int MIN_PROBE = 4096;

  /** Once deflate has saved this share of what it has seen, the content is compressible. */
  private static final double CLEARLY_COMPRESSIBLE = 0.10;

  /** Content deflate shrinks by less than this share is stored uncompressed. */
  private static final double WORTH_COMPRESSING = 0.01;

  private static final int CHUNK = 64 * 1024;

  private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
  private final byte[] out = new byte[CHUNK + 1024];

  /**
   * True unless deflate saves less than 1% of {@code b[off, off+len)}. Stops early once the bytes
   * seen so far clearly compress, so ordinary content costs only its first chunks.
   */
  boolean worthCompressing(byte[] b, int off, int len) {
    if (len < MIN_PROBE) {
      return true;
    }
    deflater.reset();
    long in = 0;
    long produced = 0;
    int pos = off;
    int end = off + len;
    while (pos < end) {
      int n = Math.min(CHUNK, end - pos);
      deflater.setInput(b, pos, n);
      pos += n;
      in += n;
      if (pos == end) {
        deflater.finish();
      }
      // SYNC_FLUSH: every byte fed so far is accounted for in the output count
      int r;
      do {
        r = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        produced += r;
      } while (r == out.length || (pos == end && !deflater.finished()));
      if (in >= 4L * CHUNK && produced < in * (1 - CLEARLY_COMPRESSIBLE)) {
        return true;
      }
    }
    return produced < len * (1 - WORTH_COMPRESSING);
  }

  void close() {
    deflater.end();
  }
}
