package dev.treewave.ostree.summary;

import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantFraming;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.gvariant.GVariantType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The repository summary {@code (a(s(taya{sv}))a{sv})}: refs sorted by name bytes (clients
 * binary-search them) and additional metadata such as the static-delta index. Parsing is strict
 * (normal form, sorted refs, 32-byte checksums) because a summary comes from the network.
 */
public record Summary(List<SummaryRef> refs, Map<String, GVariant> metadata) {
  public static final GVariantType TYPE = GVariantType.parse("(a(s(taya{sv}))a{sv})");
  private static final GVariantType REF_TYPE = GVariantType.parse("(s(taya{sv}))");
  public static final String STATIC_DELTAS_KEY = "ostree.static-deltas";
  public static final String LAST_MODIFIED_KEY = "ostree.summary.last-modified";
  public static final String MODE_KEY = "ostree.summary.mode";
  public static final String TOMBSTONES_KEY = "ostree.summary.tombstone-commits";
  public static final String INDEXED_DELTAS_KEY = "ostree.summary.indexed-deltas";
  public static final String COLLECTION_ID_KEY = "ostree.summary.collection-id";

  public Summary {
    if (!(refs instanceof ParsedRefs)) { // parsed refs are checked sorted and stay compact
      List<SummaryRef> sorted = new ArrayList<>(refs);
      sorted.sort((a, b) -> DirTree.NAME_ORDER.compare(a.name(), b.name()));
      refs = List.copyOf(sorted);
    }
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  public Optional<SummaryRef> ref(String name) {
    if (refs instanceof ParsedRefs p) {
      return p.find(name);
    }
    return refs.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** Static deltas advertised: name ({@code TO} or {@code FROM-TO} in hex) → superblock digest. */
  public Map<String, ObjectId> staticDeltas() {
    return deltaMap(metadata.get(STATIC_DELTAS_KEY));
  }

  static Map<String, ObjectId> deltaMap(GVariant v) {
    Map<String, ObjectId> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    for (Map.Entry<String, GVariant> e : GVariant.asVardict(v).entrySet()) {
      if (!(e.getValue() instanceof GVariant.Bytes b) || b.length() != 32) {
        throw new GVariantFormatException("static delta " + e.getKey() + " has no 32-byte digest");
      }
      out.put(e.getKey(), ObjectId.fromBytes(b.value()));
    }
    return out;
  }

  public boolean indexedDeltas() {
    return metadata.get(INDEXED_DELTAS_KEY) instanceof GVariant.Bool b && b.value();
  }

  public Optional<String> mode() {
    return metadata.get(MODE_KEY) instanceof GVariant.Str s
        ? Optional.of(s.value())
        : Optional.empty();
  }

  /** Seconds since the epoch when the summary was generated, if recorded. */
  public Optional<Long> lastModified() {
    return metadata.get(LAST_MODIFIED_KEY) instanceof GVariant.U64 t
        ? Optional.of(Long.reverseBytes(t.value()))
        : Optional.empty();
  }

  public GVariant toVariant() {
    List<GVariant> rs = new ArrayList<>();
    for (SummaryRef r : refs) {
      rs.add(
          GVariant.tuple(
              GVariant.str(r.name()),
              GVariant.tuple(
                  GVariant.u64(r.commitSize()),
                  GVariant.bytes(r.commit().bytes()),
                  GVariant.vardict(r.metadata()))));
    }
    return GVariant.tuple(new GVariant.Arr(REF_TYPE, rs), GVariant.vardict(metadata));
  }

  public byte[] serialize() {
    return toVariant().serialize();
  }

  /**
   * Parses summary bytes; anything malformed raises {@link GVariantFormatException}. Every ref is
   * checked (normal form, sorted, 32-byte checksum) but not kept as objects: the refs list decodes
   * an entry when asked, and {@link #ref} binary-searches the names in the bytes. A summary near
   * libostree's 10 MB limit holds ~140,000 refs, whose object tree alone outgrew a 64 MiB heap.
   */
  public static Summary parse(byte[] data) {
    try {
      int size = data.length;
      int w = GVariantFraming.readWidth(size);
      if (size < w) {
        throw new GVariantFormatException("summary is truncated");
      }
      long refsEnd = GVariantFraming.readOffset(data, size - w, w);
      int metaStart = GVariantType.align((int) Math.min(refsEnd, size), 8);
      if (refsEnd > size - w || metaStart > size - w) {
        throw new GVariantFormatException("summary framing offsets are out of bounds");
      }
      requireZero(data, (int) refsEnd, metaStart);
      byte[] meta = java.util.Arrays.copyOfRange(data, metaStart, size - w);
      Map<String, GVariant> metadata = GVariant.asVardict(GVariantParser.parse("a{sv}", meta));
      ParsedRefs refs = new ParsedRefs(data, (int) refsEnd);
      for (int i = 0; i < refs.size(); i++) {
        refs.get(i); // strict parse of every entry, discarded at once
      }
      Summary s = new Summary(refs, metadata);
      s.staticDeltas(); // validates the delta index
      return s;
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new GVariantFormatException("invalid summary: " + e.getMessage());
    }
  }

  private static void requireZero(byte[] d, int from, int to) {
    for (int i = from; i < to; i++) {
      if (d[i] != 0) {
        throw new GVariantFormatException("summary has non-zero padding");
      }
    }
  }

  /**
   * The ref array {@code a(s(taya{sv}))} of a summary's bytes, framing checked: entry {@code i} is
   * decoded (strictly) on each {@link #get}. Names are compared as bytes, so the sort check and
   * lookups allocate nothing per entry.
   */
  static final class ParsedRefs extends java.util.AbstractList<SummaryRef>
      implements java.util.RandomAccess {
    private final byte[] data;
    private final int[] starts;
    private final int[] ends;

    ParsedRefs(byte[] data, int arrayEnd) {
      this.data = data;
      if (arrayEnd == 0) {
        starts = new int[0];
        ends = new int[0];
        return;
      }
      int w = GVariantFraming.readWidth(arrayEnd);
      long tableStart = GVariantFraming.readOffset(data, arrayEnd - w, w);
      if (tableStart > arrayEnd - w || (arrayEnd - tableStart) % w != 0) {
        throw new GVariantFormatException("summary ref array offsets are out of bounds");
      }
      int n = (int) ((arrayEnd - tableStart) / w);
      starts = new int[n];
      ends = new int[n];
      int prevEnd = 0;
      for (int i = 0; i < n; i++) {
        long end = GVariantFraming.readOffset(data, (int) tableStart + i * w, w);
        int start = GVariantType.align(prevEnd, 8);
        if (end < start || end > tableStart) {
          throw new GVariantFormatException("summary ref offsets are out of order or bounds");
        }
        requireZero(data, prevEnd, start);
        starts[i] = start;
        ends[i] = (int) end;
        prevEnd = (int) end;
        if (i > 0 && compareNames(i - 1, i) >= 0) {
          throw new GVariantFormatException(
              "summary refs are not sorted: " + name(i - 1) + ", " + name(i));
        }
      }
      if (prevEnd != tableStart) {
        throw new GVariantFormatException("summary ref array has unused bytes");
      }
    }

    @Override
    public int size() {
      return starts.length;
    }

    @Override
    public SummaryRef get(int i) {
      byte[] entry = java.util.Arrays.copyOfRange(data, starts[i], ends[i]);
      GVariant.Tuple rt = (GVariant.Tuple) GVariantParser.parse(REF_TYPE, entry);
      String name = ((GVariant.Str) rt.get(0)).value();
      GVariant.Tuple inner = (GVariant.Tuple) rt.get(1);
      byte[] csum = ((GVariant.Bytes) inner.get(1)).value();
      if (csum.length != 32) {
        throw new GVariantFormatException("summary ref " + name + " has a bad checksum");
      }
      return new SummaryRef(
          name,
          ((GVariant.U64) inner.get(0)).value(),
          ObjectId.fromBytes(csum),
          GVariant.asVardict(inner.get(2)));
    }

    /** The end of entry {@code i}'s name (its NUL), which is the entry's first member. */
    private int nameEnd(int i) {
      for (int p = starts[i]; p < ends[i]; p++) {
        if (data[p] == 0) {
          return p;
        }
      }
      throw new GVariantFormatException("summary ref name is not NUL-terminated");
    }

    private String name(int i) {
      return new String(
          data, starts[i], nameEnd(i) - starts[i], java.nio.charset.StandardCharsets.UTF_8);
    }

    private int compareNames(int a, int b) {
      return java.util.Arrays.compareUnsigned(
          data, starts[a], nameEnd(a), data, starts[b], nameEnd(b));
    }

    Optional<SummaryRef> find(String name) {
      byte[] key = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int lo = 0;
      int hi = size() - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c =
            java.util.Arrays.compareUnsigned(data, starts[mid], nameEnd(mid), key, 0, key.length);
        if (c == 0) {
          return Optional.of(get(mid));
        } else if (c < 0) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return Optional.empty();
    }
  }
}
