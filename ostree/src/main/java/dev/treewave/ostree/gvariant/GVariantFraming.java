package dev.treewave.ostree.gvariant;

/**
 * GVariant's framing offsets: the little-endian integers at the end of a container that say where
 * its variable-size children end. Their width depends on the container's size; reader and writer
 * derive it differently (the reader knows the whole size, the writer only the body and the number
 * of offsets) but always agree, which is what makes a serialisation normal.
 */
public final class GVariantFraming {
  private GVariantFraming() {}

  /** The offset width in a container of {@code size} bytes, as a reader finds it. */
  public static int readWidth(long size) {
    if (size == 0) {
      return 0;
    }
    if (size <= 0xFFL) {
      return 1;
    }
    if (size <= 0xFFFFL) {
      return 2;
    }
    if (size <= 0xFFFFFFFFL) {
      return 4;
    }
    return 8;
  }

  /** GLib's rule for a writer: the smallest width whose maximum value addresses the container. */
  public static int writeWidth(long bodySize, int nOffsets) {
    if (bodySize + nOffsets <= 0xFFL) {
      return 1;
    }
    if (bodySize + 2L * nOffsets <= 0xFFFFL) {
      return 2;
    }
    if (bodySize + 4L * nOffsets <= 0xFFFFFFFFL) {
      return 4;
    }
    return 8;
  }

  /** The unsigned little-endian integer of {@code width} bytes at {@code pos}. */
  public static long readOffset(byte[] data, int pos, int width) {
    long v = 0;
    for (int i = 0; i < width; i++) {
      v |= (data[pos + i] & 0xFFL) << (8 * i);
    }
    return v;
  }
}
