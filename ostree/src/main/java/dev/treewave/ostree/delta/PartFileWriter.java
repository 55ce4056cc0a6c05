package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFraming;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * Writes a part file {@code (yay)} (compression byte, then the payload {@code
 * (a(uuu)aa(ayay)ayay)}, xz-compressed) straight to disk: the data blob is streamed from wherever
 * the generator spooled it, so a part never exists in memory whole, uncompressed or compressed. The
 * bytes are the same as {@link DeltaPart#encode}'s (same GVariant framing).
 */
final class PartFileWriter {
  /**
   * The largest LZMA2 dictionary used. xz's preset 6 has 8 MiB, whose encoder needs 92 MiB of heap;
   * 2 MiB needs 23 MiB at a small cost in size (parts hold mostly unrelated files, whose matches
   * are near each other anyway), so the generator runs in a 64 MiB heap.
   */
  static final int MAX_DICT = 2 << 20;

  /** Encoder buffers are reused from part to part instead of being garbage each time. */
  private static final ArrayCache CACHE = new BasicArrayCache();

  /** Streams the data blob. */
  @FunctionalInterface
  interface Blob {
    void writeTo(OutputStream out) throws IOException;
  }

  /** The checksum and size of the written file. */
  record Written(ObjectId checksum, long size) {}

  private PartFileWriter() {}

  /** How a part's payload is encoded. */
  enum Packing {
    /** Compression type 0 (which ostree 2022.7 can only read inline, see {@link XzBlockWriter}). */
    NONE,
    /** Compression type 'x': the whole payload through the xz encoder. */
    XZ,
    /**
     * Compression type 'x' for data xz cannot shrink: tables and blob in stored LZMA2 chunks, only
     * the operations (which do compress) through the encoder.
     */
    STORED_XZ
  }

  static Written write(
      Path target,
      List<int[]> modes,
      List<List<Xattr>> xattrs,
      Blob blob,
      long blobSize,
      byte[] ops,
      Packing packing,
      int xzPreset)
      throws IOException {
    boolean compress = packing != Packing.NONE;
    byte[] m0 = modesArray(modes).serialize();
    byte[] m1 = xattrsArray(xattrs).serialize();
    long e0 = m0.length;
    long e1 = e0 + m1.length;
    long e2 = e1 + blobSize;
    long body = e2 + ops.length;
    int w = GVariantFraming.writeWidth(body, 3);
    long payloadSize = body + 3L * w;

    MessageDigest sha = sha256();
    long written;
    try (OutputStream file =
            new BufferedOutputStream(
                Files.newOutputStream(
                    target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                64 * 1024);
        CountingOutputStream counted =
            new CountingOutputStream(new DigestOutputStream(file, sha))) {
      counted.write(compress ? DeltaPart.COMPRESSION_XZ : DeltaPart.COMPRESSION_NONE);
      XzBlockWriter blocks = null;
      OutputStream payload;
      if (packing == Packing.STORED_XZ) {
        blocks = new XzBlockWriter(counted, CACHE);
        blocks.startStoredBlock();
        payload = blocks;
      } else if (compress) {
        payload =
            new XZOutputStream(counted, xzOptions(xzPreset, payloadSize), XZ.CHECK_CRC64, CACHE);
      } else {
        payload = counted;
      }
      payload.write(m0);
      payload.write(m1);
      blob.writeTo(payload);
      if (blocks != null) {
        blocks.startCompressedBlock(xzOptions(xzPreset, ops.length + 3L * w));
      }
      payload.write(ops);
      // framing offsets of the first three members, last one first
      for (long end : new long[] {e2, e1, e0}) {
        for (int i = 0; i < w; i++) {
          payload.write((int) (end >>> (8 * i)));
        }
      }
      if (compress) {
        payload.close(); // finishes the xz stream (and closes the file)
      }
      written = counted.count();
    }
    return new Written(ObjectId.ofDigest(sha), written);
  }

  static LZMA2Options xzOptions(int preset, long payloadSize) {
    try {
      LZMA2Options o = new LZMA2Options(preset);
      // a dictionary larger than the data is memory for nothing
      long want = Math.max(LZMA2Options.DICT_SIZE_MIN, Math.min(payloadSize, MAX_DICT));
      o.setDictSize((int) Math.min(o.getDictSize(), want));
      return o;
    } catch (org.tukaani.xz.UnsupportedOptionsException e) {
      throw new DeltaException("xz preset " + preset + ": " + e.getMessage(), e);
    }
  }

  static GVariant modesArray(List<int[]> modes) {
    List<GVariant> ms = new ArrayList<>();
    for (int[] m : modes) {
      ms.add(
          GVariant.tuple(
              GVariant.u32(Integer.reverseBytes(m[0])),
              GVariant.u32(Integer.reverseBytes(m[1])),
              GVariant.u32(Integer.reverseBytes(m[2]))));
    }
    return new GVariant.Arr(DeltaPart.MODE_TYPE, ms);
  }

  static GVariant xattrsArray(List<List<Xattr>> xattrs) {
    List<GVariant> xs = new ArrayList<>();
    for (List<Xattr> x : xattrs) {
      xs.add(Xattr.toVariant(x));
    }
    return new GVariant.Arr(DeltaPart.XATTRS_TYPE, xs);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
