package dev.treewave.ostree.inspect;

import dev.treewave.ostree.gvariant.GVariant;
import java.nio.charset.StandardCharsets;

/** GVariant text format (as {@code g_variant_print}) for the values commit metadata holds. */
public final class GVariantText {
  private GVariantText() {}

  public static String print(GVariant v) {
    return print(v, true);
  }

  static String print(GVariant v, boolean typeAnnotate) {
    if (v instanceof GVariant.Str s) {
      return quote(s.value());
    }
    if (v instanceof GVariant.Bool b) {
      return b.value() ? "true" : "false";
    }
    if (v instanceof GVariant.U8 x) {
      return (typeAnnotate ? "byte " : "") + String.format("0x%02x", x.value() & 0xFF);
    }
    if (v instanceof GVariant.I16 x) {
      return (typeAnnotate ? "int16 " : "") + x.value();
    }
    if (v instanceof GVariant.U16 x) {
      return (typeAnnotate ? "uint16 " : "") + (x.value() & 0xFFFF);
    }
    if (v instanceof GVariant.I32 x) {
      return String.valueOf(x.value());
    }
    if (v instanceof GVariant.U32 x) {
      return (typeAnnotate ? "uint32 " : "") + Integer.toUnsignedString(x.value());
    }
    if (v instanceof GVariant.I64 x) {
      return (typeAnnotate ? "int64 " : "") + x.value();
    }
    if (v instanceof GVariant.U64 x) {
      return (typeAnnotate ? "uint64 " : "") + Long.toUnsignedString(x.value());
    }
    if (v instanceof GVariant.F64 x) {
      return String.valueOf(x.value());
    }
    if (v instanceof GVariant.Bytes b) {
      return bytestring(b.value());
    }
    if (v instanceof GVariant.Var x) {
      return "<" + print(x.value(), true) + ">";
    }
    if (v instanceof GVariant.Maybe m) {
      return m.value() == null ? "nothing" : "just " + print(m.value(), typeAnnotate);
    }
    if (v instanceof GVariant.Arr a) {
      if (a.elements().isEmpty()) {
        return "@" + a.type().signature() + " []";
      }
      boolean dict =
          a.elementType() instanceof dev.treewave.ostree.gvariant.GVariantType.Tuple t
              && t.dictEntry();
      StringBuilder sb = new StringBuilder(dict ? "{" : "[");
      for (int i = 0; i < a.elements().size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(print(a.elements().get(i), i == 0 && typeAnnotate));
      }
      return sb.append(dict ? "}" : "]").toString();
    }
    if (v instanceof GVariant.Entry e) {
      return print(e.key(), typeAnnotate) + ": " + print(e.value(), typeAnnotate);
    }
    GVariant.Tuple t = (GVariant.Tuple) v;
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < t.members().size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(print(t.members().get(i), typeAnnotate));
    }
    return sb.append(t.members().size() == 1 ? ",)" : ")").toString();
  }

  static String quote(String s) {
    String q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? "\"" : "'";
    StringBuilder sb = new StringBuilder(q);
    for (char c : s.toCharArray()) {
      if (c == '\\' || String.valueOf(c).equals(q)) {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\t') {
        sb.append("\\t");
      } else {
        sb.append(c);
      }
    }
    return sb.append(q).toString();
  }

  /** {@code b'text'} when printable with a trailing NUL dropped, else {@code [byte 0x.., …]}. */
  static String bytestring(byte[] b) {
    boolean printable = b.length > 0 && b[b.length - 1] == 0;
    for (int i = 0; i < b.length - 1 && printable; i++) {
      printable = b[i] >= 0x20 && b[i] < 0x7f;
    }
    if (printable) {
      return "b" + quote(new String(b, 0, b.length - 1, StandardCharsets.US_ASCII));
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < b.length; i++) {
      sb.append(i == 0 ? "byte " : ", ").append(String.format("0x%02x", b[i] & 0xFF));
    }
    return sb.append("]").toString();
  }
}
