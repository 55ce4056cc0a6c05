package dev.treewave.ostree.delta;

/**
 * bspatch in the headerless, uncompressed form ostree embeds (mendsley bsdiff): repeated control
 * triples of 8-byte sign-magnitude little-endian integers (diff length, extra length, seek), with
 * the diff bytes added to the old bytes and the extra bytes copied verbatim.
 */
public final class Bspatch {
  private Bspatch() {}

  /** Fills {@code out} (its length is the new size) from {@code old} and {@code patch}. */
  public static void apply(byte[] old, byte[] patch, byte[] out) {
    int p = 0;
    long oldPos = 0;
    int newPos = 0;
    while (newPos < out.length) {
      if (p + 24 > patch.length) {
        throw new DeltaException("truncated bspatch control data");
      }
      long x = offt(patch, p);
      long y = offt(patch, p + 8);
      long z = offt(patch, p + 16);
      p += 24;
      if (x < 0 || y < 0 || newPos + x > out.length || p + x > patch.length) {
        throw new DeltaException("corrupt bspatch (diff block)");
      }
      for (int i = 0; i < x; i++) {
        long o = oldPos + i;
        byte ob = (o >= 0 && o < old.length) ? old[(int) o] : 0;
        out[newPos + i] = (byte) (patch[p + i] + ob);
      }
      p += (int) x;
      newPos += (int) x;
      oldPos += x;
      if (newPos + y > out.length || p + y > patch.length) {
        throw new DeltaException("corrupt bspatch (extra block)");
      }
      System.arraycopy(patch, p, out, newPos, (int) y);
      p += (int) y;
      newPos += (int) y;
      oldPos += z;
    }
  }

  static long offt(byte[] b, int off) {
    long y = b[off + 7] & 0x7f;
    for (int i = 6; i >= 0; i--) {
      y = (y << 8) | (b[off + i] & 0xff);
    }
    return (b[off + 7] & 0x80) != 0 ? -y : y;
  }
}
