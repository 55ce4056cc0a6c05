package dev.treewave.ostree.delta;

import java.io.ByteArrayOutputStream;

/**
 * A bsdiff encoder (Colin Percival's algorithm, "Naive differences of executable code", 2003)
 * producing the headerless, uncompressed patch stream that ostree's {@code B} operation and our
 * {@link Bspatch} apply: repeated control triples of 8-byte sign-magnitude little-endian integers
 * (bytes to add to old, bytes to copy verbatim, seek in old), each followed by its diff bytes and
 * then its extra bytes. The suffix array is built with Larsson and Sadakane's doubling sort; it
 * needs 8 bytes of memory per byte of the old file while building, half of that afterwards.
 */
public final class Bsdiff {
  private Bsdiff() {}

  /** A patch and what it costs on the wire before compression (extra + non-zero diff bytes). */
  public record Patch(byte[] bytes, long literalBytes) {}

  /** Heap needed to diff a file of {@code oldSize} bytes against one of {@code newSize}. */
  public static long memoryNeeded(long oldSize, long newSize) {
    return 8 * (oldSize + 1) + 2 * (oldSize + newSize) + 2 * newSize;
  }

  public static Patch diff(byte[] old, byte[] neu) {
    int[] suffixes = suffixArray(old);
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, neu.length / 8));
    long literal = 0;
    int oldSize = old.length;
    int newSize = neu.length;
    int scan = 0;
    int len = 0;
    int pos = 0;
    int lastScan = 0;
    int lastPos = 0;
    int lastOffset = 0;
    int[] found = new int[1];
    while (scan < newSize) {
      int oldScore = 0;
      int scsc = scan += len;
      for (; scan < newSize; scan++) {
        len = search(suffixes, old, neu, scan, 0, oldSize, found);
        pos = found[0];
        for (; scsc < scan + len; scsc++) {
          if (scsc + lastOffset < oldSize && old[scsc + lastOffset] == neu[scsc]) {
            oldScore++;
          }
        }
        // a match clearly better than continuing the current alignment starts a new block
        if ((len == oldScore && len != 0) || len > oldScore + 8) {
          break;
        }
        if (scan + lastOffset < oldSize && old[scan + lastOffset] == neu[scan]) {
          oldScore--;
        }
      }
      if (len == oldScore && scan != newSize) {
        continue;
      }
      // extend the previous match forwards and the new one backwards, where most bytes agree
      int s = 0;
      int bestF = 0;
      int lenF = 0;
      for (int i = 0; lastScan + i < scan && lastPos + i < oldSize; ) {
        if (old[lastPos + i] == neu[lastScan + i]) {
          s++;
        }
        i++;
        if (s * 2 - i > bestF * 2 - lenF) {
          bestF = s;
          lenF = i;
        }
      }
      int lenB = 0;
      if (scan < newSize) {
        s = 0;
        int bestB = 0;
        for (int i = 1; scan >= lastScan + i && pos >= i; i++) {
          if (old[pos - i] == neu[scan - i]) {
            s++;
          }
          if (s * 2 - i > bestB * 2 - lenB) {
            bestB = s;
            lenB = i;
          }
        }
      }
      if (lastScan + lenF > scan - lenB) {
        int overlap = (lastScan + lenF) - (scan - lenB);
        s = 0;
        int bestS = 0;
        int lenS = 0;
        for (int i = 0; i < overlap; i++) {
          if (neu[lastScan + lenF - overlap + i] == old[lastPos + lenF - overlap + i]) {
            s++;
          }
          if (neu[scan - lenB + i] == old[pos - lenB + i]) {
            s--;
          }
          if (s > bestS) {
            bestS = s;
            lenS = i + 1;
          }
        }
        lenF += lenS - overlap;
        lenB -= lenS;
      }
      int extra = (scan - lenB) - (lastScan + lenF);
      offt(out, lenF);
      offt(out, extra);
      offt(out, (long) (pos - lenB) - (lastPos + lenF));
      for (int i = 0; i < lenF; i++) {
        int d = (neu[lastScan + i] - old[lastPos + i]) & 0xff;
        out.write(d);
        if (d != 0) {
          literal++;
        }
      }
      out.write(neu, lastScan + lenF, extra);
      literal += extra + 24;
      lastScan = scan - lenB;
      lastPos = pos - lenB;
      lastOffset = pos - scan;
    }
    return new Patch(out.toByteArray(), literal);
  }

  static void offt(ByteArrayOutputStream out, long v) {
    long m = Math.abs(v);
    for (int i = 0; i < 8; i++) {
      int b = (int) (m >>> (8 * i)) & 0xff;
      if (i == 7 && v < 0) {
        b |= 0x80;
      }
      out.write(b);
    }
  }

  /** Longest match of {@code neu[from..]} among the sorted suffixes of old, by binary search. */
  private static int search(int[] sa, byte[] old, byte[] neu, int from, int st, int en, int[] pos) {
    while (en - st >= 2) {
      int x = st + (en - st) / 2;
      if (compare(old, sa[x], neu, from) < 0) {
        st = x;
      } else {
        en = x;
      }
    }
    int a = matchLength(old, sa[st], neu, from);
    int b = matchLength(old, sa[en], neu, from);
    if (a > b) {
      pos[0] = sa[st];
      return a;
    }
    pos[0] = sa[en];
    return b;
  }

  private static int compare(byte[] old, int o, byte[] neu, int n) {
    int len = Math.min(old.length - o, neu.length - n);
    int mismatch = java.util.Arrays.mismatch(old, o, o + len, neu, n, n + len);
    if (mismatch < 0) {
      return 0; // equal as far as both go (as memcmp over the shorter length)
    }
    return Integer.compare(old[o + mismatch] & 0xff, neu[n + mismatch] & 0xff);
  }

  private static int matchLength(byte[] old, int o, byte[] neu, int n) {
    int len = Math.min(old.length - o, neu.length - n);
    int mismatch = java.util.Arrays.mismatch(old, o, o + len, neu, n, n + len);
    return mismatch < 0 ? len : mismatch;
  }

  /**
   * The suffix array of {@code old} with the empty suffix first ({@code old.length + 1} entries),
   * by Larsson–Sadakane prefix doubling: groups of suffixes sharing their first {@code h} bytes are
   * refined by the rank of the suffix {@code h} further on, until every group is a singleton.
   */
  static int[] suffixArray(byte[] old) {
    int n = old.length;
    int[] sa = new int[n + 1];
    int[] rank = new int[n + 1];
    int[] buckets = new int[256];
    for (byte b : old) {
      buckets[b & 0xff]++;
    }
    for (int i = 1; i < 256; i++) {
      buckets[i] += buckets[i - 1];
    }
    for (int i = 255; i > 0; i--) {
      buckets[i] = buckets[i - 1];
    }
    buckets[0] = 0;
    for (int i = 0; i < n; i++) {
      sa[++buckets[old[i] & 0xff]] = i;
    }
    sa[0] = n;
    for (int i = 0; i < n; i++) {
      rank[i] = buckets[old[i] & 0xff];
    }
    rank[n] = 0;
    for (int i = 1; i < 256; i++) {
      if (buckets[i] == buckets[i - 1] + 1) {
        sa[buckets[i]] = -1;
      }
    }
    sa[0] = -1;
    // negative entries in sa mark runs of finished groups (their length, negated)
    for (int h = 1; sa[0] != -(n + 1); h += h) {
      int len = 0;
      int i = 0;
      while (i < n + 1) {
        if (sa[i] < 0) {
          len -= sa[i];
          i -= sa[i];
        } else {
          if (len != 0) {
            sa[i - len] = -len;
          }
          len = rank[sa[i]] + 1 - i;
          split(sa, rank, i, len, h);
          i += len;
          len = 0;
        }
      }
      if (len != 0) {
        sa[i - len] = -len;
      }
    }
    for (int i = 0; i < n + 1; i++) {
      sa[rank[i]] = i;
    }
    return sa;
  }

  /**
   * Sorts the group {@code sa[start..start+len)} by the rank {@code h} bytes on (ternary split).
   *
   * <p>Larsson and Sadakane's split recurses into the lesser part, then ranks the equal part, then
   * goes on with the greater part; the order matters, as ranks updated on the way are read by the
   * rest of the group. Here the pending "rank the equal part, then split the greater part" steps
   * wait on an explicit stack instead of the thread's: on repetitive input the lesser parts nest
   * about as deep as the group is long, which overflowed the call stack. Each pending step is three
   * ints and steps nest only inside strictly smaller groups, so the stack stays below the group.
   */
  private static void split(int[] sa, int[] rank, int start, int len, int h) {
    IntStack pending = new IntStack();
    while (true) {
      if (len < 16) {
        insertionSplit(sa, rank, start, len, h);
      } else {
        int x = rank[sa[start + len / 2] + h];
        int jj = 0;
        int kk = 0;
        for (int i = start; i < start + len; i++) {
          int v = rank[sa[i] + h];
          if (v < x) {
            jj++;
          }
          if (v == x) {
            kk++;
          }
        }
        jj += start;
        kk += jj;
        int i = start;
        int j = 0;
        int k = 0;
        while (i < jj) {
          int v = rank[sa[i] + h];
          if (v < x) {
            i++;
          } else if (v == x) {
            int t = sa[i];
            sa[i] = sa[jj + j];
            sa[jj + j] = t;
            j++;
          } else {
            int t = sa[i];
            sa[i] = sa[kk + k];
            sa[kk + k] = t;
            k++;
          }
        }
        while (jj + j < kk) {
          if (rank[sa[jj + j] + h] == x) {
            j++;
          } else {
            int t = sa[jj + j];
            sa[jj + j] = sa[kk + k];
            sa[kk + k] = t;
            k++;
          }
        }
        pending.push(jj, kk, start + len);
        if (jj > start) {
          len = jj - start; // the lesser part first, as the recursive original did
          continue;
        }
      }
      // the innermost pending group: rank its equal part, then split its greater part
      while (true) {
        if (pending.isEmpty()) {
          return;
        }
        int end = pending.pop();
        int kk = pending.pop();
        int jj = pending.pop();
        for (int i = 0; i < kk - jj; i++) {
          rank[sa[jj + i]] = kk - 1;
        }
        if (jj == kk - 1) {
          sa[jj] = -1;
        }
        if (end > kk) {
          start = kk;
          len = end - kk;
          break;
        }
      }
    }
  }

  /** Small groups: repeated selection of the least rank, as in the original. */
  private static void insertionSplit(int[] sa, int[] rank, int start, int len, int h) {
    for (int k = start; k < start + len; ) {
      int j = 1;
      int x = rank[sa[k] + h];
      for (int i = 1; k + i < start + len; i++) {
        int v = rank[sa[k + i] + h];
        if (v < x) {
          x = v;
          j = 0;
        }
        if (v == x) {
          int t = sa[k + j];
          sa[k + j] = sa[k + i];
          sa[k + i] = t;
          j++;
        }
      }
      for (int i = 0; i < j; i++) {
        rank[sa[k + i]] = k + j - 1;
      }
      if (j == 1) {
        sa[k] = -1;
      }
      k += j;
    }
  }

  /** A growable stack of ints (the pending steps of {@link #split}). */
  private static final class IntStack {
    private int[] items = new int[48];
    private int size;

    void push(int a, int b, int c) {
      if (size + 3 > items.length) {
        items = java.util.Arrays.copyOf(items, items.length * 2);
      }
      items[size++] = a;
      items[size++] = b;
      items[size++] = c;
    }

    int pop() {
      return items[--size];
    }

    boolean isEmpty() {
      return size == 0;
    }
  }
}
