package dev.treewave.ostree.core;

import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.gvariant.GVariantType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A dirtree object {@code (a(say)a(sayay))}: the files (name, content checksum) and subdirectories
 * (name, dirtree checksum, dirmeta checksum) of one directory, each list sorted by name bytes.
 * Construction refuses what could make a checkout escape its target: names that are empty, {@code
 * .}, {@code ..}, or contain {@code /}; unsorted or duplicate entries (also across the two lists).
 */
public record DirTree(List<FileEntry> files, List<DirEntry> dirs) {
  public static final GVariantType TYPE = GVariantType.parse("(a(say)a(sayay))");
  private static final GVariantType FILE_TYPE = GVariantType.parse("(say)");
  private static final GVariantType DIR_TYPE = GVariantType.parse("(sayay)");

  /** The empty directory's dirtree checksum (the single byte {@code 00}). */
  public static final ObjectId EMPTY_ID =
      ObjectId.parse("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");

  public record FileEntry(String name, ObjectId checksum) {}

  public record DirEntry(String name, ObjectId treeChecksum, ObjectId metaChecksum) {}

  /** The order of names' UTF-8 bytes, which is how libostree sorts a dirtree. */
  public static final Comparator<String> NAME_ORDER = DirTree::compareNames;

  /**
   * UTF-8 byte order without encoding the names (this runs for every entry of every dirtree read).
   * Up to the first differing char the two encodings are equal; if both chars there are below the
   * surrogates, each is a whole code point, and UTF-8 orders code points as numbers. Anything else
   * is rare enough to encode.
   */
  private static int compareNames(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        if (ca < Character.MIN_SURROGATE && cb < Character.MIN_SURROGATE) {
          return ca - cb;
        }
        return Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
      }
    }
    return a.length() - b.length();
  }

  public DirTree {
    files = List.copyOf(files);
    dirs = List.copyOf(dirs);
    checkSorted(files, FileEntry::name);
    checkSorted(dirs, DirEntry::name);
    if (!files.isEmpty() && !dirs.isEmpty()) {
      Set<String> names = new HashSet<>();
      files.forEach(f -> names.add(f.name()));
      for (DirEntry d : dirs) {
        if (names.contains(d.name())) {
          throw new InvalidObjectException(
              "dirtree has a file and a directory both named '" + d.name() + "'");
        }
      }
    }
  }

  /** Builds a dirtree from entries in any order (sorts them; duplicates are still refused). */
  public static DirTree of(List<FileEntry> files, List<DirEntry> dirs) {
    List<FileEntry> f = new ArrayList<>(files);
    f.sort((a, b) -> NAME_ORDER.compare(a.name(), b.name()));
    List<DirEntry> d = new ArrayList<>(dirs);
    d.sort((a, b) -> NAME_ORDER.compare(a.name(), b.name()));
    return new DirTree(f, d);
  }

  private static <E> void checkSorted(List<E> entries, Function<E, String> name) {
    String prev = null;
    for (E e : entries) {
      String n = name.apply(e);
      validateName(n);
      if (prev != null && NAME_ORDER.compare(prev, n) >= 0) {
        throw new InvalidObjectException(
            "dirtree entries are not sorted or have duplicates: '" + prev + "', '" + n + "'");
      }
      prev = n;
    }
  }

  /** A single path component: not empty, not {@code .} or {@code ..}, no {@code /} or NUL. */
  public static void validateName(String name) {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0) {
      throw new InvalidObjectException("invalid file name in dirtree: '" + name + "'");
    }
  }

  public GVariant toVariant() {
    List<GVariant> f = new ArrayList<>(files.size());
    for (FileEntry e : files) {
      f.add(GVariant.tuple(GVariant.str(e.name()), GVariant.bytes(e.checksum().bytes())));
    }
    List<GVariant> d = new ArrayList<>(dirs.size());
    for (DirEntry e : dirs) {
      d.add(
          GVariant.tuple(
              GVariant.str(e.name()),
              GVariant.bytes(e.treeChecksum().bytes()),
              GVariant.bytes(e.metaChecksum().bytes())));
    }
    return GVariant.tuple(new GVariant.Arr(FILE_TYPE, f), new GVariant.Arr(DIR_TYPE, d));
  }

  public byte[] serialize() {
    return DirTreeCodec.serialize(files, dirs);
  }

  public ObjectId id() {
    return ObjectId.sha256(serialize());
  }

  /** Parses a dirtree strictly: normal form only, entries sorted, names safe. */
  public static DirTree parse(byte[] data) {
    DirTree direct = DirTreeCodec.tryParse(data);
    return direct != null ? direct : parseGeneric(data);
  }

  /** Through the generic GVariant parser, whose errors say what is wrong with malformed data. */
  static DirTree parseGeneric(byte[] data) {
    GVariant.Tuple t = (GVariant.Tuple) GVariantParser.parse(TYPE, data);
    List<FileEntry> files = new ArrayList<>();
    for (GVariant e : ((GVariant.Arr) t.get(0)).elements()) {
      GVariant.Tuple ft = (GVariant.Tuple) e;
      files.add(new FileEntry(((GVariant.Str) ft.get(0)).value(), checksum(ft.get(1))));
    }
    List<DirEntry> dirs = new ArrayList<>();
    for (GVariant e : ((GVariant.Arr) t.get(1)).elements()) {
      GVariant.Tuple dt = (GVariant.Tuple) e;
      dirs.add(
          new DirEntry(
              ((GVariant.Str) dt.get(0)).value(), checksum(dt.get(1)), checksum(dt.get(2))));
    }
    return new DirTree(files, dirs);
  }

  static ObjectId checksum(GVariant v) {
    byte[] b = ((GVariant.Bytes) v).value();
    if (b.length != 32) {
      throw new GVariantFormatException("checksum has " + b.length + " bytes, expected 32");
    }
    return ObjectId.fromBytes(b);
  }
}
