package dev.treewave.ostree.core;

import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.gvariant.GVariantType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A commit object {@code (a{sv}aya(say)sstayay)}: metadata (insertion-ordered, as ostree writes
 * it), optional parent, related objects (always empty in practice), subject, body, timestamp
 * (seconds since the epoch, stored big-endian), root dirtree and root dirmeta.
 */
public record Commit(
    Map<String, GVariant> metadata,
    Optional<ObjectId> parent,
    List<GVariant> related,
    String subject,
    String body,
    long timestamp,
    ObjectId rootTree,
    ObjectId rootMeta) {
  public static final GVariantType TYPE = GVariantType.parse("(a{sv}aya(say)sstayay)");
  private static final GVariantType RELATED_TYPE = GVariantType.parse("(say)");

  public Commit {
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    related = List.copyOf(related);
  }

  public Commit(
      Map<String, GVariant> metadata,
      Optional<ObjectId> parent,
      String subject,
      String body,
      long timestamp,
      ObjectId rootTree,
      ObjectId rootMeta) {
    this(metadata, parent, List.of(), subject, body, timestamp, rootTree, rootMeta);
  }

  public GVariant toVariant() {
    return GVariant.tuple(
        GVariant.vardict(metadata),
        GVariant.bytes(parent.map(ObjectId::bytes).orElse(new byte[0])),
        new GVariant.Arr(RELATED_TYPE, related),
        GVariant.str(subject),
        GVariant.str(body),
        GVariant.u64(Long.reverseBytes(timestamp)),
        GVariant.bytes(rootTree.bytes()),
        GVariant.bytes(rootMeta.bytes()));
  }

  public byte[] serialize() {
    return toVariant().serialize();
  }

  public ObjectId id() {
    return ObjectId.sha256(serialize());
  }

  /** What {@code ostree show} prints as ContentChecksum: SHA-256(root dirtree ‖ root dirmeta). */
  public ObjectId contentChecksum() {
    byte[] both = new byte[64];
    System.arraycopy(rootTree.bytes(), 0, both, 0, 32);
    System.arraycopy(rootMeta.bytes(), 0, both, 32, 32);
    return ObjectId.sha256(both);
  }

  /** The string metadata value {@code version}, if any. */
  public Optional<String> version() {
    return metadata.get("version") instanceof GVariant.Str s
        ? Optional.of(s.value())
        : Optional.empty();
  }

  public static Commit parse(byte[] data) {
    GVariant.Tuple t = (GVariant.Tuple) GVariantParser.parse(TYPE, data);
    byte[] parent = ((GVariant.Bytes) t.get(1)).value();
    if (parent.length != 0 && parent.length != 32) {
      throw new GVariantFormatException("commit parent has " + parent.length + " bytes");
    }
    return new Commit(
        GVariant.asVardict(t.get(0)),
        parent.length == 0 ? Optional.empty() : Optional.of(ObjectId.fromBytes(parent)),
        ((GVariant.Arr) t.get(2)).elements(),
        ((GVariant.Str) t.get(3)).value(),
        ((GVariant.Str) t.get(4)).value(),
        Long.reverseBytes(((GVariant.U64) t.get(5)).value()),
        DirTree.checksum(t.get(6)),
        DirTree.checksum(t.get(7)));
  }
}
