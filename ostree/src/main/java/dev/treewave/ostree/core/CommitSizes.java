package dev.treewave.ostree.core;

import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The {@code ostree.sizes} commit metadata ({@code aay}) that {@code ostree commit
 * --generate-sizes} writes in archive repositories: one entry per file, dirtree and dirmeta object
 * the commit stored, sorted by checksum. Each entry is the 32-byte checksum, the archived (on-disk,
 * compressed) size and the unpacked size as unsigned LEB128 varints, then one object-type byte
 * (libostree 2020.1 and later; older writers omit it, which means a file object). A puller uses it
 * to know how much it will download and unpack before fetching anything.
 */
public record CommitSizes(List<Entry> entries) {
  public static final String METADATA_KEY = "ostree.sizes";
  private static final GVariantType AAY = GVariantType.parse("aay");
  private static final int CHECKSUM_LEN = 32;

  /** A varint of a 64-bit value takes at most 10 bytes. */
  private static final int MAX_VARINT_LEN = 10;

  /** One object's sizes. For a symlink the unpacked size is the target's length in bytes. */
  public record Entry(ObjectId id, long archivedSize, long unpackedSize, ObjectType type) {
    public Entry {
      java.util.Objects.requireNonNull(id, "id");
      java.util.Objects.requireNonNull(type, "type");
      if (archivedSize < 0 || unpackedSize < 0) {
        throw new IllegalArgumentException("negative size in sizes entry for " + id);
      }
    }
  }

  /** Sums over a set of entries. */
  public record Totals(long objects, long archived, long unpacked) {}

  /** Sorted by checksum (as libostree writes them, so readers may binary-search); no duplicates. */
  public CommitSizes {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Entry::id)); // unsigned bytes: the order of the hex strings
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).id().equals(sorted.get(i - 1).id())) {
        throw new IllegalArgumentException("duplicate sizes entry for " + sorted.get(i).id());
      }
    }
    entries = List.copyOf(sorted);
  }

  /**
   * Reads {@code ostree.sizes} from a commit's metadata: empty if the key is absent, {@link
   * InvalidObjectException} if it is present but malformed (wrong type, short or overlong entry,
   * bad varint, unknown object type).
   */
  public static Optional<CommitSizes> fromCommitMetadata(Map<String, GVariant> metadata) {
    GVariant v = metadata.get(METADATA_KEY);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof GVariant.Arr arr) || !v.type().equals(AAY)) {
      throw new InvalidObjectException(
          METADATA_KEY + " has type " + v.type().signature() + ", expected aay");
    }
    List<Entry> out = new ArrayList<>(arr.elements().size());
    int i = 0;
    for (GVariant e : arr.elements()) {
      out.add(parseEntry(((GVariant.Bytes) e).value(), i++));
    }
    try {
      return Optional.of(new CommitSizes(out));
    } catch (IllegalArgumentException e) {
      throw new InvalidObjectException(METADATA_KEY + ": " + e.getMessage());
    }
  }

  /** Reads {@code ostree.sizes} from a commit. */
  public static Optional<CommitSizes> fromCommit(Commit commit) {
    return fromCommitMetadata(commit.metadata());
  }

  static Entry parseEntry(byte[] b, int index) {
    String where = METADATA_KEY + " entry " + index;
    if (b.length < CHECKSUM_LEN + 2) {
      throw new InvalidObjectException(where + " is too short (" + b.length + " bytes)");
    }
    byte[] csum = java.util.Arrays.copyOf(b, CHECKSUM_LEN);
    int[] pos = {CHECKSUM_LEN};
    long archived = readVarint(b, pos, where + ": archived size");
    long unpacked = readVarint(b, pos, where + ": unpacked size");
    ObjectType type = ObjectType.FILE; // entries written before 2020.1 carry no type byte
    if (pos[0] < b.length) {
      int t = b[pos[0]++] & 0xff;
      try {
        type = ObjectType.fromId(t);
      } catch (IllegalArgumentException e) {
        throw new InvalidObjectException(where + ": invalid object type " + t);
      }
    }
    if (pos[0] != b.length) {
      throw new InvalidObjectException(
          where + ": " + (b.length - pos[0]) + " unexpected bytes after the object type");
    }
    return new Entry(ObjectId.fromBytes(csum), archived, unpacked, type);
  }

  /** Unsigned LEB128, at most 64 bits; rejects truncation and overflow. */
  private static long readVarint(byte[] b, int[] pos, String what) {
    long value = 0;
    for (int i = 0; i < MAX_VARINT_LEN; i++) {
      if (pos[0] >= b.length) {
        throw new InvalidObjectException(what + ": truncated varint");
      }
      int c = b[pos[0]++] & 0xff;
      long bits = c & 0x7f;
      if (i == MAX_VARINT_LEN - 1 && bits > 1) {
        throw new InvalidObjectException(what + ": varint overflows 64 bits");
      }
      value |= bits << (7 * i);
      if ((c & 0x80) == 0) {
        if (value < 0) {
          throw new InvalidObjectException(what + ": size does not fit in a signed 64-bit long");
        }
        return value;
      }
    }
    throw new InvalidObjectException(what + ": varint longer than 10 bytes");
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** One serialised entry, byte-identical to libostree's. */
  static byte[] encodeEntry(Entry e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(CHECKSUM_LEN + 8);
    out.writeBytes(e.id().bytes());
    writeVarint(out, e.archivedSize());
    writeVarint(out, e.unpackedSize());
    out.write(e.type().id());
    return out.toByteArray();
  }

  /** The {@code aay} value to store under {@link #METADATA_KEY}. */
  public GVariant toVariant() {
    return new GVariant.Arr(
        GVariantType.parse("ay"),
        entries.stream().map(e -> (GVariant) GVariant.bytes(encodeEntry(e))).toList());
  }

  public Optional<Entry> find(ObjectId id) {
    int lo = 0;
    int hi = entries.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = entries.get(mid).id().compareTo(id);
      if (c == 0) {
        return Optional.of(entries.get(mid));
      } else if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return Optional.empty();
  }

  public Totals total() {
    return sum(e -> true);
  }

  public long totalUnpacked() {
    return total().unpacked();
  }

  public long totalArchived() {
    return total().archived();
  }

  /**
   * What is still to fetch: the entries for which {@code present} is false, e.g. {@code
   * sizes.missing(e -> repo.hasObject(e.type(), e.id()))}.
   */
  public Totals missing(Predicate<Entry> present) {
    return sum(present.negate());
  }

  private Totals sum(Predicate<Entry> include) {
    long n = 0;
    long archived = 0;
    long unpacked = 0;
    for (Entry e : entries) {
      if (include.test(e)) {
        n++;
        archived = Math.addExact(archived, e.archivedSize());
        unpacked = Math.addExact(unpacked, e.unpackedSize());
      }
    }
    return new Totals(n, archived, unpacked);
  }
}
