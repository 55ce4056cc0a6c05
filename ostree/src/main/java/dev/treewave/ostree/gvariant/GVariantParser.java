package dev.treewave.ostree.gvariant;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Strict GVariant reader. Unlike GLib, which substitutes default values for malformed data, every
 * inconsistency is an error. After decoding, the value is serialised again and must reproduce the
 * input exactly: that is precisely GLib's "normal form" (zero padding, minimal offsets, no unused
 * bytes), the check real ostree applies to metadata objects.
 */
public final class GVariantParser {
  private final byte[] data;

  private GVariantParser(byte[] data) {
    this.data = data;
  }

  /** Decodes {@code data} as {@code type}; throws {@link GVariantFormatException} if invalid. */
  public static GVariant parse(GVariantType type, byte[] data) {
    GVariant v = new GVariantParser(data).read(type, 0, data.length, 0);
    if (!Arrays.equals(GVariantSerializer.serialize(v), data)) {
      throw new GVariantFormatException("Not normal form (" + type.signature() + ")");
    }
    return v;
  }

  public static GVariant parse(String type, byte[] data) {
    return parse(GVariantType.parse(type), data);
  }

  /**
   * GLib's limit for values too: containers and variants together, {@link GVariantType#MAX_DEPTH}.
   */
  private static final int MAX_DEPTH = GVariantType.MAX_DEPTH;

  private GVariant read(GVariantType type, int start, int end, int depth) {
    if (depth > MAX_DEPTH) {
      throw new GVariantFormatException("GVariant nested deeper than " + MAX_DEPTH + " levels");
    }
    int size = end - start;
    if (type.isFixedSize() && size != type.fixedSize()) {
      throw new GVariantFormatException(
          "value of type "
              + type.signature()
              + " has size "
              + size
              + ", expected "
              + type.fixedSize());
    }
    if (type instanceof GVariantType.Basic b) {
      return readBasic(b.code(), start, end);
    }
    if (type instanceof GVariantType.Variant) {
      return readVariant(start, end, depth);
    }
    if (type instanceof GVariantType.Array a) {
      return readArray(a.element(), start, end, depth);
    }
    if (type instanceof GVariantType.Maybe m) {
      return readMaybe(m.element(), start, end, depth);
    }
    GVariantType.Tuple t = (GVariantType.Tuple) type;
    List<GVariant> members = readTuple(t.members(), start, end, depth);
    return t.dictEntry()
        ? new GVariant.Entry(members.get(0), members.get(1))
        : new GVariant.Tuple(members);
  }

  private long le(int pos, int width) {
    return GVariantFraming.readOffset(data, pos, width);
  }

  private GVariant readBasic(char code, int start, int end) {
    switch (code) {
      case 'y':
        return new GVariant.U8(data[start]);
      case 'b':
        if ((data[start] & 0xFF) > 1) {
          throw new GVariantFormatException("boolean byte is not 0 or 1");
        }
        return new GVariant.Bool(data[start] == 1);
      case 'n':
        return new GVariant.I16((short) le(start, 2));
      case 'q':
        return new GVariant.U16((short) le(start, 2));
      case 'i':
        return new GVariant.I32((int) le(start, 4));
      case 'u':
        return new GVariant.U32((int) le(start, 4));
      case 'x':
        return new GVariant.I64(le(start, 8));
      case 't':
        return new GVariant.U64(le(start, 8));
      case 'd':
        return new GVariant.F64(Double.longBitsToDouble(le(start, 8)));
      case 's':
        return new GVariant.Str(readString(start, end));
      default:
        throw new GVariantFormatException("unsupported basic type " + code);
    }
  }

  private String readString(int start, int end) {
    return readString(data, start, end);
  }

  /**
   * A GVariant string ({@code s}) in {@code data[start, end)}: NUL-terminated, without an interior
   * NUL, valid UTF-8. For readers of a fixed format that do not build {@link GVariant} values.
   */
  public static String readString(byte[] data, int start, int end) {
    if (end <= start || data[end - 1] != 0) {
      throw new GVariantFormatException("string is not NUL-terminated");
    }
    boolean ascii = true;
    for (int i = start; i < end - 1; i++) {
      if (data[i] == 0) {
        throw new GVariantFormatException("string contains an interior NUL");
      }
      ascii &= data[i] > 0;
    }
    if (ascii) {
      // Nearly every file name and key is ASCII, which is valid UTF-8 as it stands: no decoder
      // (an object per string) for the names of every dirtree a checkout or pull reads.
      return new String(data, start, end - 1 - start, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data, start, end - 1 - start))
          .toString();
    } catch (CharacterCodingException e) {
      throw new GVariantFormatException("string is not valid UTF-8");
    }
  }

  private GVariant readVariant(int start, int end, int depth) {
    int nul = end - 1;
    while (nul >= start && data[nul] != 0) {
      nul--;
    }
    if (nul < start) {
      throw new GVariantFormatException("variant has no type string");
    }
    String sig = new String(data, nul + 1, end - nul - 1, StandardCharsets.US_ASCII);
    // the child's type may only use the depth this value has left (GLib does the same)
    GVariantType child = GVariantType.parse(sig, MAX_DEPTH - depth);
    return new GVariant.Var(read(child, start, nul, depth + 1));
  }

  private GVariant readMaybe(GVariantType el, int start, int end, int depth) {
    if (end == start) {
      return new GVariant.Maybe(el, null);
    }
    if (el.isFixedSize()) {
      return new GVariant.Maybe(el, read(el, start, end, depth + 1));
    }
    if (data[end - 1] != 0) {
      throw new GVariantFormatException("maybe value lacks its trailing NUL");
    }
    return new GVariant.Maybe(el, read(el, start, end - 1, depth + 1));
  }

  private GVariant readArray(GVariantType el, int start, int end, int depth) {
    int size = end - start;
    if (el.equals(GVariantType.BYTE)) {
      return new GVariant.Bytes(Arrays.copyOfRange(data, start, end));
    }
    List<GVariant> out = new ArrayList<>();
    if (size == 0) {
      return new GVariant.Arr(el, out);
    }
    if (el.isFixedSize()) {
      int es = el.fixedSize();
      if (size % es != 0) {
        throw new GVariantFormatException("array size is not a multiple of its element size");
      }
      for (int p = start; p < end; p += es) {
        out.add(read(el, p, p + es, depth + 1));
      }
      return new GVariant.Arr(el, out);
    }
    int w = GVariantFraming.readWidth(size);
    long tableStart = le(end - w, w);
    if (tableStart > size - w || (size - tableStart) % w != 0) {
      throw new GVariantFormatException("array framing offsets are out of bounds");
    }
    int n = (int) ((size - tableStart) / w);
    int prevEnd = 0;
    for (int i = 0; i < n; i++) {
      long elEnd = le(start + (int) tableStart + i * w, w);
      int elStart = GVariantType.align(prevEnd, el.alignment());
      if (elEnd < elStart || elEnd > tableStart) {
        throw new GVariantFormatException("array element offsets are out of order or bounds");
      }
      out.add(read(el, start + elStart, start + (int) elEnd, depth + 1));
      prevEnd = (int) elEnd;
    }
    return new GVariant.Arr(el, out);
  }

  private List<GVariant> readTuple(List<GVariantType> members, int start, int end, int depth) {
    int size = end - start;
    int w = GVariantFraming.readWidth(size);
    int offsetsUsed = 0;
    int pos = 0;
    List<GVariant> out = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      GVariantType m = members.get(i);
      int mStart = GVariantType.align(pos, m.alignment());
      long mEnd;
      if (m.isFixedSize()) {
        mEnd = (long) mStart + m.fixedSize();
      } else if (i == members.size() - 1) {
        mEnd = size - (long) w * offsetsUsed;
      } else {
        offsetsUsed++;
        long at = size - (long) w * offsetsUsed;
        if (at < 0) {
          throw new GVariantFormatException("struct framing offsets are out of bounds");
        }
        mEnd = le(start + (int) at, w);
      }
      if (mEnd < mStart || mEnd > size - (long) w * offsetsUsed) {
        throw new GVariantFormatException("struct member " + i + " is out of bounds");
      }
      out.add(read(m, start + mStart, start + (int) mEnd, depth + 1));
      pos = (int) mEnd;
    }
    return out;
  }
}
