package dev.treewave.ostree.summary;

import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
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
    List<SummaryRef> sorted = new ArrayList<>(refs);
    sorted.sort((a, b) -> DirTree.NAME_ORDER.compare(a.name(), b.name()));
    refs = List.copyOf(sorted);
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  public Optional<SummaryRef> ref(String name) {
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

  /** Parses summary bytes; anything malformed raises {@link GVariantFormatException}. */
  public static Summary parse(byte[] data) {
    try {
      GVariant.Tuple t = (GVariant.Tuple) GVariantParser.parse(TYPE, data);
      List<SummaryRef> refs = new ArrayList<>();
      String prev = null;
      for (GVariant e : ((GVariant.Arr) t.get(0)).elements()) {
        GVariant.Tuple rt = (GVariant.Tuple) e;
        String name = ((GVariant.Str) rt.get(0)).value();
        if (prev != null && DirTree.NAME_ORDER.compare(prev, name) >= 0) {
          throw new GVariantFormatException("summary refs are not sorted: " + prev + ", " + name);
        }
        prev = name;
        GVariant.Tuple inner = (GVariant.Tuple) rt.get(1);
        byte[] csum = ((GVariant.Bytes) inner.get(1)).value();
        if (csum.length != 32) {
          throw new GVariantFormatException("summary ref " + name + " has a bad checksum");
        }
        refs.add(
            new SummaryRef(
                name,
                ((GVariant.U64) inner.get(0)).value(),
                ObjectId.fromBytes(csum),
                GVariant.asVardict(inner.get(2))));
      }
      Summary s = new Summary(refs, GVariant.asVardict(t.get(1)));
      s.staticDeltas(); // validates the delta index
      return s;
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new GVariantFormatException("invalid summary: " + e.getMessage());
    }
  }
}
