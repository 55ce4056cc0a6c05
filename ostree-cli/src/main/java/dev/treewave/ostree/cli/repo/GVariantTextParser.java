package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.gvariant.GVariant;

/**
 * The subset of GVariant text format accepted by {@code --add-metadata=KEY=VALUE}: quoted strings,
 * booleans, integers (int32 by default), and the {@code byte/int16/uint16/uint32/int64/uint64}
 * prefixes.
 */
final class GVariantTextParser {
  private GVariantTextParser() {}

  static GVariant parse(String text) {
    String t = text.strip();
    if (t.length() >= 2
        && (t.charAt(0) == '\'' || t.charAt(0) == '"')
        && t.charAt(t.length() - 1) == t.charAt(0)) {
      return GVariant.str(t.substring(1, t.length() - 1).replace("\\'", "'").replace("\\\"", "\""));
    }
    if (t.equals("true") || t.equals("false")) {
      return new GVariant.Bool(t.equals("true"));
    }
    String[] parts = t.split("\\s+", 2);
    if (parts.length == 2) {
      String n = parts[1];
      return switch (parts[0]) {
        case "byte" -> new GVariant.U8((byte) Integer.decode(n).intValue());
        case "int16" -> new GVariant.I16(Short.parseShort(n));
        case "uint16" -> new GVariant.U16((short) Integer.parseInt(n));
        case "int32" -> new GVariant.I32(Integer.parseInt(n));
        case "uint32" -> new GVariant.U32(Integer.parseUnsignedInt(n));
        case "int64" -> new GVariant.I64(Long.parseLong(n));
        case "uint64" -> new GVariant.U64(Long.parseUnsignedLong(n));
        default -> throw new IllegalArgumentException("Unsupported GVariant text '" + text + "'");
      };
    }
    try {
      return new GVariant.I32(Integer.parseInt(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Unsupported GVariant text '" + text + "'");
    }
  }
}
