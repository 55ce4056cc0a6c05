package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.gvariant.GVariantType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The decompressed payload of a delta part {@code (a(uuu)aa(ayay)ayay)}: a modes table (uid, gid,
 * mode; big-endian), an xattrs table, the data blob and the operation stream.
 */
public record DeltaPart(List<int[]> modes, List<List<Xattr>> xattrs, byte[] blob, byte[] ops) {
  public static final GVariantType TYPE = GVariantType.parse("(a(uuu)aa(ayay)ayay)");
  static final GVariantType MODE_TYPE = GVariantType.parse("(uuu)");
  static final GVariantType XATTRS_TYPE = GVariantType.parse("a(ayay)");
  public static final byte COMPRESSION_NONE = 0;
  public static final byte COMPRESSION_XZ = 'x';

  /**
   * Heap a part may take while it is decoded and applied: its payload is held whole (the framing
   * offsets are at its end) and copied about three times, and two parts are applied at once. A
   * sixteenth of the heap keeps that inside a 64 MiB agent heap; at most 256 MiB.
   */
  public static long memoryBudget() {
    return Math.max(4L << 20, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 16));
  }

  /**
   * The most payload bytes a part that declares {@code declaredObjectBytes} (the part header's
   * "uncompressed size": the total size of the objects it produces) may inflate to: the objects'
   * bytes, tables, operations and framing fit in twice that plus 1 MiB, while an xz bomb (302 KB
   * inflating to 2 GiB) does not. Never more than the memory budget allows.
   */
  public static long payloadLimit(long declaredObjectBytes) {
    long declared = Math.max(0, Math.min(declaredObjectBytes, 1L << 40));
    return Math.min(2 * declared + (1L << 20), 4 * memoryBudget());
  }

  /** xz decoder memory (mostly its dictionary, which the stream header chooses) in KiB. */
  static int xzMemoryLimitKib() {
    return (int) (Math.max(16L << 20, Math.min(96L << 20, memoryBudget() * 4)) >> 10);
  }

  /** Decodes a part file without a size bound (our own, trusted parts only). */
  public static DeltaPart decode(byte[] partFile) {
    return decode(partFile, Integer.MAX_VALUE - 8);
  }

  /**
   * Decodes a part file ({@code (yay)}: compression byte + payload), refusing a payload larger than
   * {@code maxPayload} as soon as the decompressor produces one byte more: a hostile xz stream is
   * never inflated beyond it.
   */
  public static DeltaPart decode(byte[] partFile, long maxPayload) {
    if (partFile.length < 1) {
      throw new DeltaException("empty delta part");
    }
    int limit = (int) Math.max(0, Math.min(Integer.MAX_VALUE - 8, maxPayload));
    byte[] payload;
    byte kind = partFile[0];
    if (kind == COMPRESSION_NONE) {
      if (partFile.length - 1 > limit) {
        throw tooLarge(limit);
      }
      payload = java.util.Arrays.copyOfRange(partFile, 1, partFile.length);
    } else if (kind == COMPRESSION_XZ) {
      try (XZInputStream in =
          new XZInputStream(
              new ByteArrayInputStream(partFile, 1, partFile.length - 1), xzMemoryLimitKib())) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 1 << 20) + 1);
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          if (out.size() + (long) n > limit) {
            throw tooLarge(limit);
          }
          out.write(buf, 0, n);
        }
        payload = out.toByteArray();
      } catch (MemoryLimitException e) {
        throw new DeltaException(
            "xz stream of delta part needs "
                + e.getMemoryNeeded()
                + " KiB to decode, more than the limit of "
                + e.getMemoryLimit()
                + " KiB");
      } catch (IOException e) {
        throw new DeltaException("Corrupt xz data in delta part: " + e.getMessage(), e);
      }
    } else {
      throw new DeltaException("Unknown delta part compression type " + (kind & 0xff));
    }
    try {
      GVariant.Tuple t = (GVariant.Tuple) GVariantParser.parse(TYPE, payload);
      List<int[]> modes = new ArrayList<>();
      for (GVariant m : ((GVariant.Arr) t.get(0)).elements()) {
        GVariant.Tuple mt = (GVariant.Tuple) m;
        modes.add(
            new int[] {
              Integer.reverseBytes(((GVariant.U32) mt.get(0)).value()),
              Integer.reverseBytes(((GVariant.U32) mt.get(1)).value()),
              Integer.reverseBytes(((GVariant.U32) mt.get(2)).value())
            });
      }
      List<List<Xattr>> xattrs = new ArrayList<>();
      for (GVariant x : ((GVariant.Arr) t.get(1)).elements()) {
        xattrs.add(Xattr.fromVariant(x));
      }
      return new DeltaPart(
          modes, xattrs, ((GVariant.Bytes) t.get(2)).value(), ((GVariant.Bytes) t.get(3)).value());
    } catch (ClassCastException | GVariantFormatException | IllegalArgumentException e) {
      throw new DeltaException("Invalid delta part payload: " + e.getMessage());
    }
  }

  private static DeltaException tooLarge(long limit) {
    return new DeltaException(
        "delta part inflates beyond "
            + limit
            + " bytes, more than its declared object sizes allow; refused");
  }

  /** Serialises the payload and compresses it into a part file. */
  public byte[] encode(boolean compress, int xzPreset) {
    List<GVariant> ms = new ArrayList<>();
    for (int[] m : modes) {
      ms.add(
          GVariant.tuple(
              GVariant.u32(Integer.reverseBytes(m[0])),
              GVariant.u32(Integer.reverseBytes(m[1])),
              GVariant.u32(Integer.reverseBytes(m[2]))));
    }
    List<GVariant> xs = new ArrayList<>();
    for (List<Xattr> x : xattrs) {
      xs.add(Xattr.toVariant(x));
    }
    byte[] payload =
        GVariant.tuple(
                new GVariant.Arr(MODE_TYPE, ms),
                new GVariant.Arr(XATTRS_TYPE, xs),
                GVariant.bytes(blob),
                GVariant.bytes(ops))
            .serialize();
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length / 2 + 16);
    if (!compress) {
      out.write(COMPRESSION_NONE);
      out.writeBytes(payload);
      return out.toByteArray();
    }
    out.write(COMPRESSION_XZ);
    try (XZOutputStream xz = new XZOutputStream(out, new LZMA2Options(xzPreset), XZ.CHECK_CRC64)) {
      xz.write(payload);
    } catch (IOException e) {
      throw new DeltaException("Compressing delta part: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }
}
