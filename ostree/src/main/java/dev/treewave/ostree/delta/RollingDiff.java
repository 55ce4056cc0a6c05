package dev.treewave.ostree.delta;

import java.util.ArrayList;
import java.util.Arrays;
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
    List<Segment> out = new ArrayList<>();
    if (old.length < BLOCK || neu.length < BLOCK) {
      out.add(new Segment(false, 0, neu.length));
      return out;
    }
    Map<Long, int[]> index = new HashMap<>();
    for (int off = 0; off + BLOCK <= old.length; off += BLOCK) {
      long h = hash(old, off);
      index.putIfAbsent(h, new int[] {off});
    }
    int lit = 0;
    int i = 0;
    int a = 0;
    int b = 0;
    boolean primed = false;
    while (i + BLOCK <= neu.length) {
      if (!primed) {
        a = 0;
        b = 0;
        for (int k = 0; k < BLOCK; k++) {
          a += neu[i + k] & 0xff;
          b += (BLOCK - k) * (neu[i + k] & 0xff);
        }
        primed = true;
      }
      int[] cand = index.get(key(a, b));
      if (cand != null && Arrays.equals(old, cand[0], cand[0] + BLOCK, neu, i, i + BLOCK)) {
        int len = BLOCK;
        while (cand[0] + len < old.length
            && i + len < neu.length
            && old[cand[0] + len] == neu[i + len]) {
          len++;
        }
        if (i > lit) {
          out.add(new Segment(false, lit, i - lit));
        }
        out.add(new Segment(true, cand[0], len));
        i += len;
        lit = i;
        primed = false;
        continue;
      }
      if (i + BLOCK < neu.length) {
        int outB = neu[i] & 0xff;
        int inB = neu[i + BLOCK] & 0xff;
        a = a - outB + inB;
        b = b - BLOCK * outB + a;
      }
      i++;
    }
    if (lit < neu.length) {
      out.add(new Segment(false, lit, neu.length - lit));
    }
    return out;
  }

  static long copied(List<Segment> segs) {
    return segs.stream().filter(Segment::fromOld).mapToLong(Segment::length).sum();
  }

  private static long hash(byte[] d, int off) {
    int a = 0;
    int b = 0;
    for (int k = 0; k < BLOCK; k++) {
      a += d[off + k] & 0xff;
      b += (BLOCK - k) * (d[off + k] & 0xff);
    }
    return key(a, b);
  }

  private static long key(int a, int b) {
    return ((long) b << 32) ^ (a & 0xffffffffL);
  }
}
