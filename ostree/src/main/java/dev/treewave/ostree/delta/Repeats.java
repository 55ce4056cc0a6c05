package dev.treewave.ostree.delta;

import java.io.OutputStream;
import java.util.Random;

/**
 * Estimates how much of a stream repeats content seen shortly before it (within an xz dictionary):
 * objects that each defeat compression (gzip'ed files, say) can still share long runs with one
 * another (the same embedded data in two files), which xz finds and stored chunks would not.
 *
 * <p>Content-defined sampling: a gear hash over the last 64 bytes marks about one position in 64 as
 * an anchor; an anchor whose hash was seen at most {@code window} bytes earlier counts as repeated.
 * The table is small and lossy (collisions overwrite), which only makes the estimate conservative.
 */
final class Repeats extends OutputStream {
  private static final long[] GEAR = new long[256];

  static {
    Random r = new Random(0x7e3a5d1L); // any fixed table: anchors only need to be deterministic
    for (int i = 0; i < 256; i++) {
      GEAR[i] = r.nextLong();
    }
  }

  private static final int ANCHOR_MASK = 63;
  private static final int TABLE_BITS = 16;

  private final long window;
  private final long[] keys = new long[1 << TABLE_BITS];
  private final long[] positions = new long[1 << TABLE_BITS];
  private long pos;
  private long h;
  private long anchors;
  private long repeated;

  Repeats(long window) {
    this.window = window;
  }

  @Override
  public void write(int b) {
    step(b & 0xff);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      step(b[i] & 0xff);
    }
  }

  private void step(int b) {
    h = (h << 1) + GEAR[b];
    pos++;
    if ((h & ANCHOR_MASK) != 0 || pos < 64) {
      return;
    }
    anchors++;
    int slot = (int) (h >>> (64 - TABLE_BITS));
    if (keys[slot] == h && positions[slot] > 0 && pos - positions[slot] <= window) {
      repeated++;
    }
    keys[slot] = h;
    positions[slot] = pos;
  }

  /** The share of anchors that repeat an earlier one within the window (0 to 1). */
  double repeatedShare() {
    return anchors == 0 ? 0 : (double) repeated / anchors;
  }
}
