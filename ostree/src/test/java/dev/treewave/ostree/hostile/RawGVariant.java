package dev.treewave.ostree.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: GVariant framing written by hand from raw member bytes, so a test can build values
 * the library's own serialiser cannot (a type nested 300,000 deep). {@code RawGVariantTest} checks
 * it against the library's serialiser on ordinary values.
 */
final class RawGVariant {
  private RawGVariant() {}

  /** One member of a struct or element of an array: its bytes, alignment, and fixed size or not. */
  record Part(byte[] bytes, int alignment, boolean fixed) {
    static Part of(byte[] bytes, int alignment) {
      return new Part(bytes, alignment, false);
    }
  }

  static byte[] str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  /** A variant: the value's bytes, a NUL, the type string. */
  static byte[] variant(byte[] value, String type) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(value);
    out.write(0);
    out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** A struct (or dict entry) of non-fixed-size-aware members. */
  static byte[] struct(List<Part> members) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> offsets = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Part m = members.get(i);
      pad(out, m.alignment());
      out.writeBytes(m.bytes());
      if (!m.fixed() && i != members.size() - 1) {
        offsets.add(out.size());
      }
    }
    int w = width(out.size(), offsets.size());
    for (int i = offsets.size() - 1; i >= 0; i--) {
      le(out, offsets.get(i), w);
    }
    return out.toByteArray();
  }

  /** An array of variable-size elements, each aligned to {@code alignment}. */
  static byte[] array(int alignment, List<byte[]> elements) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> ends = new ArrayList<>();
    for (byte[] e : elements) {
      pad(out, alignment);
      out.writeBytes(e);
      ends.add(out.size());
    }
    int w = width(out.size(), ends.size());
    for (int end : ends) {
      le(out, end, w);
    }
    return out.toByteArray();
  }

  /** An {@code a{sv}} with one entry {@code key} → a variant of an empty value of {@code type}. */
  static byte[] vardictWithEmptyValueOfType(String key, String type) {
    byte[] entry = struct(List.of(Part.of(str(key), 1), Part.of(variant(new byte[0], type), 8)));
    return array(8, List.of(entry));
  }

  private static void pad(ByteArrayOutputStream out, int alignment) {
    while (out.size() % alignment != 0) {
      out.write(0);
    }
  }

  private static int width(int contentSize, int offsets) {
    if (offsets == 0) {
      return 0;
    }
    for (int w : new int[] {1, 2, 4}) {
      long total = (long) contentSize + (long) w * offsets;
      if (total <= (1L << (8 * w)) - 1) {
        return w;
      }
    }
    return 8;
  }

  private static void le(ByteArrayOutputStream out, long v, int w) {
    for (int i = 0; i < w; i++) {
      out.write((int) (v >>> (8 * i)));
    }
  }
}
