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

  /** Refuse decompressing a part beyond this (parts are ≤ 32 MB uncompressed by default). */
  static final long MAX_UNCOMPRESSED = 1L << 31;

  /** Decodes a part file ({@code (yay)}: compression byte + payload). */
  public static DeltaPart decode(byte[] partFile) {
    if (partFile.length < 1) {
      throw new DeltaException("empty delta part");
    }
    byte[] payload;
    byte kind = partFile[0];
    if (kind == COMPRESSION_NONE) {
      payload = java.util.Arrays.copyOfRange(partFile, 1, partFile.length);
    } else if (kind == COMPRESSION_XZ) {
      try (XZInputStream in =
          new XZInputStream(new ByteArrayInputStream(partFile, 1, partFile.length - 1))) {
        payload = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_UNCOMPRESSED));
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
