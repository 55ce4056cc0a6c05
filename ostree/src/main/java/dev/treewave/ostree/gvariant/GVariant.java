package dev.treewave.ostree.gvariant;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable GVariant value. Integers are held as Java's signed primitives of the same width;
 * unsigned types keep the same bits. Endianness is not a property of values: OSTree's "big-endian"
 * fields are byte-swapped by the object codecs before they get here.
 */
public sealed interface GVariant {

  GVariantType type();

  /** Serialises this value in normal form (little-endian framing). */
  default byte[] serialize() {
    return GVariantSerializer.serialize(this);
  }

  record U8(byte value) implements GVariant {
    public GVariantType type() {
      return GVariantType.BYTE;
    }
  }

  record Bool(boolean value) implements GVariant {
    public GVariantType type() {
      return GVariantType.BOOLEAN;
    }
  }

  record I16(short value) implements GVariant {
    public GVariantType type() {
      return GVariantType.INT16;
    }
  }

  record U16(short value) implements GVariant {
    public GVariantType type() {
      return GVariantType.UINT16;
    }
  }

  record I32(int value) implements GVariant {
    public GVariantType type() {
      return GVariantType.INT32;
    }
  }

  record U32(int value) implements GVariant {
    public GVariantType type() {
      return GVariantType.UINT32;
    }
  }

  record I64(long value) implements GVariant {
    public GVariantType type() {
      return GVariantType.INT64;
    }
  }

  record U64(long value) implements GVariant {
    public GVariantType type() {
      return GVariantType.UINT64;
    }
  }

  record F64(double value) implements GVariant {
    public GVariantType type() {
      return GVariantType.DOUBLE;
    }
  }

  /** A string ({@code s}); must not contain NUL. */
  record Str(String value) implements GVariant {
    public Str {
      Objects.requireNonNull(value);
      if (value.indexOf('\0') >= 0) {
        throw new GVariantFormatException("GVariant strings cannot contain NUL");
      }
    }

    public GVariantType type() {
      return GVariantType.STRING;
    }
  }

  /** A boxed value ({@code v}). */
  record Var(GVariant value) implements GVariant {
    public Var {
      Objects.requireNonNull(value);
    }

    public GVariantType type() {
      return GVariantType.VARIANT;
    }
  }

  /** A byte string ({@code ay}), the representation used for every {@code ay} decoded. */
  record Bytes(byte[] value) implements GVariant {
    public Bytes {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The bytes without a defensive copy; callers must not modify them. */
    byte[] raw() {
      return value;
    }

    public int length() {
      return value.length;
    }

    public GVariantType type() {
      return GVariantType.BYTESTRING;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Bytes[" + HexFormatHolder.HEX.formatHex(value) + "]";
    }
  }

  /** An array of any element type other than {@code y} (use {@link Bytes} for {@code ay}). */
  record Arr(GVariantType elementType, List<GVariant> elements) implements GVariant {
    public Arr {
      elements = List.copyOf(elements);
      if (elementType.equals(GVariantType.BYTE)) {
        throw new IllegalArgumentException("use GVariant.Bytes for ay");
      }
      for (GVariant e : elements) {
        if (!e.type().equals(elementType)) {
          throw new GVariantFormatException(
              "array of " + elementType.signature() + " holds a " + e.type().signature());
        }
      }
    }

    public GVariantType type() {
      return new GVariantType.Array(elementType);
    }
  }

  /** {@code mT}: {@code value} is null for Nothing. */
  record Maybe(GVariantType elementType, GVariant value) implements GVariant {
    public Maybe {
      if (value != null && !value.type().equals(elementType)) {
        throw new GVariantFormatException("maybe type mismatch");
      }
    }

    public GVariantType type() {
      return new GVariantType.Maybe(elementType);
    }
  }

  /** A struct {@code (…)}. */
  record Tuple(List<GVariant> members) implements GVariant {
    public Tuple {
      members = List.copyOf(members);
    }

    public GVariant get(int i) {
      return members.get(i);
    }

    public GVariantType type() {
      return new GVariantType.Tuple(members.stream().map(GVariant::type).toList(), false);
    }
  }

  /** A dict entry {@code {kv}}. */
  record Entry(GVariant key, GVariant value) implements GVariant {
    public GVariantType type() {
      return new GVariantType.Tuple(List.of(key.type(), value.type()), true);
    }
  }

  // ---- convenience constructors and accessors ----

  static Tuple tuple(GVariant... members) {
    return new Tuple(List.of(members));
  }

  static Str str(String s) {
    return new Str(s);
  }

  static Bytes bytes(byte[] b) {
    return new Bytes(b);
  }

  static U32 u32(int v) {
    return new U32(v);
  }

  static U64 u64(long v) {
    return new U64(v);
  }

  static Var var(GVariant v) {
    return new Var(v);
  }

  GVariantType VARDICT_ENTRY =
      new GVariantType.Tuple(List.of(GVariantType.STRING, GVariantType.VARIANT), true);

  /** Builds an {@code a{sv}} keeping the map's iteration order (GVariantBuilder order). */
  static Arr vardict(Map<String, GVariant> map) {
    return new Arr(
        VARDICT_ENTRY,
        map.entrySet().stream()
            .map(e -> (GVariant) new Entry(new Str(e.getKey()), new Var(e.getValue())))
            .toList());
  }

  /** Reads an {@code a{sv}} into an insertion-ordered map of the unboxed values. */
  static Map<String, GVariant> asVardict(GVariant v) {
    if (!(v instanceof Arr a) || !a.elementType().equals(VARDICT_ENTRY)) {
      throw new GVariantFormatException("expected a{sv}, got " + v.type().signature());
    }
    Map<String, GVariant> out = new LinkedHashMap<>();
    for (GVariant e : a.elements()) {
      Entry entry = (Entry) e;
      out.put(((Str) entry.key()).value(), ((Var) entry.value()).value());
    }
    return out;
  }

  /** Holder so the interface can share one formatter. */
  final class HexFormatHolder {
    static final java.util.HexFormat HEX = java.util.HexFormat.of();

    private HexFormatHolder() {}
  }
}
