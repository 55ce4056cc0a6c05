package dev.treewave.ostree.delta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An rsync-style diff of a new file against an old one: old blocks are indexed by a rolling
 * checksum, the new file is scanned byte by byte, and matches are extended as far as the bytes
 * agree. The result is a list of copy-from-old and literal segments, which the delta encodes with
 * the {@code o r w R w c} operations real ostree clients apply.
 */
final class RollingDiff {
  static final int BLOCK = 2048;

  /** {@code fromOld}: copy {@code length} bytes at {@code offset} of the old file; else literal. */
  record Segment(boolean fromOld, int offset, int length) {}

  private RollingDiff() {}

  static List<Segment> diff(byte[] old, byte[] neu) {
    return diff(DiffInput.of(old), DiffInput.of(neu));
  }

  static List<Segment> diff(DiffInput old, DiffInput neu) {
    List<Segment> out = new ArrayList<>();
    if (old.length() < BLOCK || neu.length() < BLOCK) {
      out.add(new Segment(false, 0, neu.length()));
      return out;
    }
    Map<Long, int[]> index = new HashMap<>();
    byte[] scratch = new byte[BLOCK];
    for (int off = 0; off + BLOCK <= old.length(); off += BLOCK) {
      long h = hash(old, off, scratch);
      index.putIfAbsent(h, new int[] {off});
    }
    int lit = 0;
    int i = 0;
    int a = 0;
    int b = 0;
    boolean primed = false;
    while (i + BLOCK <= neu.length()) {
      if (!primed) {
        a = 0;
        b = 0;
        for (int k = 0; k < BLOCK; k++) {
          a += neu.at(i + k);
          b += (BLOCK - k) * neu.at(i + k);
        }
        primed = true;
      }
      int[] cand = index.get(key(a, b));
      if (cand != null && old.equalRun(cand[0], neu, i, BLOCK) == BLOCK) {
        int room = Math.min(old.length() - cand[0], neu.length() - i) - BLOCK;
        int len = BLOCK + old.equalRun(cand[0] + BLOCK, neu, i + BLOCK, room);
        if (i > lit) {
          out.add(new Segment(false, lit, i - lit));
        }
        out.add(new Segment(true, cand[0], len));
        i += len;
        lit = i;
        primed = false;
        continue;
      }
      if (i + BLOCK < neu.length()) {
        int outB = neu.at(i);
        int inB = neu.at(i + BLOCK);
        a = a - outB + inB;
        b = b - BLOCK * outB + a;
      }
      i++;
    }
    if (lit < neu.length()) {
      out.add(new Segment(false, lit, neu.length() - lit));
    }
    return out;
  }

  static long copied(List<Segment> segs) {
    return segs.stream().filter(Segment::fromOld).mapToLong(Segment::length).sum();
  }

  private static long hash(DiffInput d, int off, byte[] scratch) {
    d.read(off, scratch, 0, BLOCK);
    int a = 0;
    int b = 0;
    for (int k = 0; k < BLOCK; k++) {
      int v = scratch[k] & 0xff;
      a += v;
      b += (BLOCK - k) * v;
    }
    return key(a, b);
  }

  private static long key(int a, int b) {
    return ((long) b << 32) ^ (a & 0xffffffffL);
  }
}
