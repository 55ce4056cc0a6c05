package dev.treewave.ostree.core;

import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One extended attribute. On the wire the name is an {@code ay} that includes its trailing NUL;
 * lists are sorted by name bytes ({@code strcmp}).
 */
public record Xattr(String name, byte[] value) {
  public static final GVariantType LIST_TYPE = GVariantType.parse("a(ayay)");
  private static final GVariantType ENTRY_TYPE = GVariantType.parse("(ayay)");

  public Xattr {
    if (name.isEmpty() || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid xattr name '" + name + "'");
    }
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  byte[] nameBytes() {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  public static final Comparator<Xattr> BY_NAME =
      (a, b) -> Arrays.compareUnsigned(a.nameBytes(), b.nameBytes());

  /** Sorted copy, the order ostree writes. */
  public static List<Xattr> sorted(List<Xattr> xattrs) {
    List<Xattr> l = new ArrayList<>(xattrs);
    l.sort(BY_NAME);
    return List.copyOf(l);
  }

  public static GVariant toVariant(List<Xattr> xattrs) {
    List<GVariant> entries = new ArrayList<>();
    for (Xattr x : sorted(xattrs)) {
      byte[] n = x.nameBytes();
      byte[] withNul = Arrays.copyOf(n, n.length + 1);
      entries.add(GVariant.tuple(GVariant.bytes(withNul), GVariant.bytes(x.value)));
    }
    return new GVariant.Arr(ENTRY_TYPE, entries);
  }

  /** Reads an {@code a(ayay)}; names must be NUL-terminated, non-empty, sorted and unique. */
  public static List<Xattr> fromVariant(GVariant v) {
    List<Xattr> out = new ArrayList<>();
    for (GVariant e : ((GVariant.Arr) v).elements()) {
      GVariant.Tuple t = (GVariant.Tuple) e;
      byte[] n = ((GVariant.Bytes) t.get(0)).value();
      if (n.length < 2 || n[n.length - 1] != 0) {
        throw new GVariantFormatException("xattr name is not a NUL-terminated string");
      }
      String name = new String(n, 0, n.length - 1, StandardCharsets.UTF_8);
      Xattr x = new Xattr(name, ((GVariant.Bytes) t.get(1)).value());
      if (!out.isEmpty() && BY_NAME.compare(out.get(out.size() - 1), x) >= 0) {
        throw new GVariantFormatException("xattrs are not sorted or contain duplicates");
      }
      out.add(x);
    }
    return List.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Xattr x && name.equals(x.name) && Arrays.equals(value, x.value);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return name + "=" + java.util.HexFormat.of().formatHex(value);
  }
}
