package dev.treewave.ostree.gvariant;

import java.util.ArrayList;
import java.util.List;

/**
 * A GVariant type, limited to the type codes OSTree uses: {@code y b n q i u x t d s v a m ( ) {}}.
 * Parsed from and printed as a GVariant type string.
 */
public sealed interface GVariantType {

  /** The type string, e.g. {@code (uuua(ayay))}. */
  String signature();

  /** Alignment in bytes (1, 2, 4 or 8). */
  int alignment();

  /** Size in bytes if this type has a fixed size, else -1. */
  int fixedSize();

  default boolean isFixedSize() {
    return fixedSize() >= 0;
  }

  /** A basic (non-container) type; {@code s} is the only variable-size one. */
  record Basic(char code) implements GVariantType {
    // equals and hashCode are spelled out in these records: the generated ones bootstrap through
    // java.lang.runtime.ObjectMethods, whose method-handle spinning cost a short command about
    // 20 ms of start-up and hundreds of compiled methods (types are compared on every parse).
    @Override
    public boolean equals(Object o) {
      return o instanceof Basic b && b.code == code;
    }

    @Override
    public int hashCode() {
      return code;
    }

    public Basic {
      if ("ybnqiuxtds".indexOf(code) < 0) {
        throw new IllegalArgumentException("not a basic GVariant type code: " + code);
      }
    }

    @Override
    public String signature() {
      return String.valueOf(code);
    }

    @Override
    public int alignment() {
      return switch (code) {
        case 'n', 'q' -> 2;
        case 'i', 'u' -> 4;
        case 'x', 't', 'd' -> 8;
        default -> 1;
      };
    }

    @Override
    public int fixedSize() {
      return code == 's' ? -1 : alignment();
    }
  }

  /** The variant type {@code v}. */
  record Variant() implements GVariantType {
    @Override
    public boolean equals(Object o) {
      return o instanceof Variant;
    }

    @Override
    public int hashCode() {
      return 'v';
    }

    @Override
    public String signature() {
      return "v";
    }

    @Override
    public int alignment() {
      return 8;
    }

    @Override
    public int fixedSize() {
      return -1;
    }
  }

  /** {@code aT}. */
  record Array(GVariantType element) implements GVariantType {
    @Override
    public boolean equals(Object o) {
      return o instanceof Array a && a.element.equals(element);
    }

    @Override
    public int hashCode() {
      return 31 * 'a' + element.hashCode();
    }

    @Override
    public String signature() {
      return "a" + element.signature();
    }

    @Override
    public int alignment() {
      return element.alignment();
    }

    @Override
    public int fixedSize() {
      return -1;
    }
  }

  /** {@code mT}. */
  record Maybe(GVariantType element) implements GVariantType {
    @Override
    public boolean equals(Object o) {
      return o instanceof Maybe m && m.element.equals(element);
    }

    @Override
    public int hashCode() {
      return 31 * 'm' + element.hashCode();
    }

    @Override
    public String signature() {
      return "m" + element.signature();
    }

    @Override
    public int alignment() {
      return element.alignment();
    }

    @Override
    public int fixedSize() {
      return -1;
    }
  }

  /** A struct {@code (…)} or, with {@code dictEntry}, a dict entry {@code {kv}}. */
  record Tuple(List<GVariantType> members, boolean dictEntry) implements GVariantType {
    public Tuple {
      members = List.copyOf(members);
      if (dictEntry && members.size() != 2) {
        throw new IllegalArgumentException("a dict entry has exactly two members");
      }
      if (dictEntry && !(members.get(0) instanceof Basic)) {
        throw new IllegalArgumentException("a dict entry key must be a basic type");
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tuple t && t.dictEntry == dictEntry && t.members.equals(members);
    }

    @Override
    public int hashCode() {
      return 31 * members.hashCode() + (dictEntry ? '{' : '(');
    }

    @Override
    public String signature() {
      StringBuilder sb = new StringBuilder(dictEntry ? "{" : "(");
      members.forEach(m -> sb.append(m.signature()));
      return sb.append(dictEntry ? '}' : ')').toString();
    }

    @Override
    public int alignment() {
      int a = 1;
      for (GVariantType m : members) {
        a = Math.max(a, m.alignment());
      }
      return a;
    }

    @Override
    public int fixedSize() {
      int offset = 0;
      for (GVariantType m : members) {
        if (!m.isFixedSize()) {
          return -1;
        }
        offset = align(offset, m.alignment()) + m.fixedSize();
      }
      // The empty struct is one byte; others are padded to their alignment.
      return members.isEmpty() ? 1 : align(offset, alignment());
    }
  }

  static int align(int offset, int alignment) {
    return (offset + alignment - 1) & -alignment;
  }

  GVariantType BYTE = new Basic('y');
  GVariantType BOOLEAN = new Basic('b');
  GVariantType INT16 = new Basic('n');
  GVariantType UINT16 = new Basic('q');
  GVariantType INT32 = new Basic('i');
  GVariantType UINT32 = new Basic('u');
  GVariantType INT64 = new Basic('x');
  GVariantType UINT64 = new Basic('t');
  GVariantType DOUBLE = new Basic('d');
  GVariantType STRING = new Basic('s');
  GVariantType VARIANT = new Variant();
  GVariantType BYTESTRING = new Array(BYTE);

  /**
   * GLib's {@code G_VARIANT_MAX_RECURSION_DEPTH}: no type (and so no value) may nest deeper. A
   * hostile type string nested 300,000 deep would otherwise overflow the stack of every recursive
   * walk over types and values (parse, serialise, signature, equals).
   */
  int MAX_DEPTH = 128;

  /** Parses one complete type string; throws {@link GVariantFormatException} otherwise. */
  static GVariantType parse(String signature) {
    return parse(signature, MAX_DEPTH);
  }

  /**
   * As {@link #parse(String)}, refusing containers nested more than {@code maxDepth} deep (a
   * variant's type gets what its enclosing value has left, as in GLib).
   */
  static GVariantType parse(String signature, int maxDepth) {
    int[] pos = {0};
    GVariantType t = parseOne(signature, pos, Math.min(maxDepth, MAX_DEPTH));
    if (pos[0] != signature.length()) {
      throw new GVariantFormatException("trailing characters in type string " + quote(signature));
    }
    return t;
  }

  /** At most 64 characters of a (possibly huge, hostile) type string, for one-line messages. */
  private static String quote(String s) {
    return s.length() <= 64
        ? "'" + s + "'"
        : "'" + s.substring(0, 61) + "...' (" + s.length() + " chars)";
  }

  /** Recursion is bounded by {@code depthLeft}, which every container level uses up by one. */
  private static GVariantType parseOne(String s, int[] pos, int depthLeft) {
    if (pos[0] >= s.length()) {
      throw new GVariantFormatException("truncated type string " + quote(s));
    }
    char c = s.charAt(pos[0]++);
    if ((c == 'a' || c == 'm' || c == '(' || c == '{') && depthLeft <= 1) {
      throw new GVariantFormatException(
          "type string nested deeper than " + MAX_DEPTH + " levels: " + quote(s));
    }
    switch (c) {
      case 'v':
        return VARIANT;
      case 'a':
        return new Array(parseOne(s, pos, depthLeft - 1));
      case 'm':
        return new Maybe(parseOne(s, pos, depthLeft - 1));
      case '(':
      case '{':
        {
          char close = c == '(' ? ')' : '}';
          List<GVariantType> members = new ArrayList<>();
          while (true) {
            if (pos[0] >= s.length()) {
              throw new GVariantFormatException("unterminated container in " + quote(s));
            }
            if (s.charAt(pos[0]) == close) {
              pos[0]++;
              break;
            }
            members.add(parseOne(s, pos, depthLeft - 1));
          }
          try {
            return new Tuple(members, c == '{');
          } catch (IllegalArgumentException e) {
            throw new GVariantFormatException(e.getMessage() + " in " + quote(s));
          }
        }
      default:
        if ("ybnqiuxtds".indexOf(c) >= 0) {
          return new Basic(c);
        }
        throw new GVariantFormatException("unsupported type code '" + c + "' in " + quote(s));
    }
  }
}
