package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
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
 * A static delta superblock {@code (a{sv}tayay(commit)aya(uayttay)a(yaytt))}: metadata (endianness,
 * inline parts, the target's detached metadata), timestamp, from/to, the full target commit, part
 * headers and fallback objects. Part header and fallback sizes use the generator's byte order.
 */
public record DeltaSuperblock(
    Map<String, GVariant> metadata,
    long timestamp,
    Optional<ObjectId> from,
    ObjectId to,
    byte[] commitBytes,
    List<PartHeader> parts,
    List<Fallback> fallbacks) {
  public static final GVariantType TYPE =
      GVariantType.parse("(a{sv}tayay(a{sv}aya(say)sstayay)aya(uayttay)a(yaytt))");
  static final GVariantType PART_TYPE = GVariantType.parse("(uayttay)");
  static final GVariantType FALLBACK_TYPE = GVariantType.parse("(yaytt)");
  public static final String ENDIANNESS_KEY = "ostree.endianness";

  /** One object a part produces. */
  public record PartObject(ObjectType type, ObjectId id) {}

  public record PartHeader(
      int version, ObjectId checksum, long size, long uncompressedSize, List<PartObject> objects) {
    public PartHeader {
      objects = List.copyOf(objects);
    }
  }

  /** An object the client fetches loose ({@code .filez}). */
  public record Fallback(
      ObjectType type, ObjectId id, long compressedSize, long uncompressedSize) {}

  public DeltaSuperblock {
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    parts = List.copyOf(parts);
    fallbacks = List.copyOf(fallbacks);
  }

  public DeltaName name() {
    return new DeltaName(from, to);
  }

  public Commit commit() {
    return Commit.parse(commitBytes);
  }

  /** The target commit's detached metadata embedded at generation time, if any. */
  public Optional<Map<String, GVariant>> commitMeta() {
    GVariant v = metadata.get(name().directory() + "/commitmeta");
    return v == null ? Optional.empty() : Optional.of(GVariant.asVardict(v));
  }

  /** An inline part's file bytes ({@code (yay)}), if part {@code i} is inline. */
  public Optional<byte[]> inlinePart(int i) {
    GVariant v = metadata.get(name().directory() + "/" + i);
    return v == null ? Optional.empty() : Optional.of(v.serialize());
  }

  private boolean bigEndian() {
    return metadata.get(ENDIANNESS_KEY) instanceof GVariant.U8 y && y.value() == 'B';
  }

  public static DeltaSuperblock parse(byte[] data) {
    try {
      GVariant.Tuple t = (GVariant.Tuple) GVariantParser.parse(TYPE, data);
      Map<String, GVariant> meta = GVariant.asVardict(t.get(0));
      boolean be = meta.get(ENDIANNESS_KEY) instanceof GVariant.U8 y && y.value() == 'B';
      byte[] from = ((GVariant.Bytes) t.get(2)).value();
      byte[] to = ((GVariant.Bytes) t.get(3)).value();
      if ((from.length != 0 && from.length != 32) || to.length != 32) {
        throw new GVariantFormatException("superblock has malformed from/to checksums");
      }
      byte[] commit = t.get(4).serialize();
      List<PartHeader> parts = new ArrayList<>();
      for (GVariant e : ((GVariant.Arr) t.get(6)).elements()) {
        GVariant.Tuple p = (GVariant.Tuple) e;
        byte[] csum = ((GVariant.Bytes) p.get(1)).value();
        byte[] objs = ((GVariant.Bytes) p.get(4)).value();
        if (csum.length != 32 || objs.length % 33 != 0) {
          throw new GVariantFormatException("malformed delta part header");
        }
        List<PartObject> list = new ArrayList<>();
        for (int i = 0; i < objs.length; i += 33) {
          list.add(
              new PartObject(
                  ObjectType.fromId(objs[i] & 0xff),
                  ObjectId.fromBytes(java.util.Arrays.copyOfRange(objs, i + 1, i + 33))));
        }
        parts.add(
            new PartHeader(
                u32(((GVariant.U32) p.get(0)).value(), be),
                ObjectId.fromBytes(csum),
                u64(((GVariant.U64) p.get(2)).value(), be),
                u64(((GVariant.U64) p.get(3)).value(), be),
                list));
      }
      List<Fallback> fallbacks = new ArrayList<>();
      for (GVariant e : ((GVariant.Arr) t.get(7)).elements()) {
        GVariant.Tuple f = (GVariant.Tuple) e;
        byte[] csum = ((GVariant.Bytes) f.get(1)).value();
        if (csum.length != 32) {
          throw new GVariantFormatException("malformed delta fallback entry");
        }
        fallbacks.add(
            new Fallback(
                ObjectType.fromId(((GVariant.U8) f.get(0)).value() & 0xff),
                ObjectId.fromBytes(csum),
                u64(((GVariant.U64) f.get(2)).value(), be),
                u64(((GVariant.U64) f.get(3)).value(), be)));
      }
      return new DeltaSuperblock(
          meta,
          Long.reverseBytes(((GVariant.U64) t.get(1)).value()),
          from.length == 0 ? Optional.empty() : Optional.of(ObjectId.fromBytes(from)),
          ObjectId.fromBytes(to),
          commit,
          parts,
          fallbacks);
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new DeltaException("Invalid static delta superblock: " + e.getMessage());
    } catch (GVariantFormatException e) {
      throw new DeltaException("Invalid static delta superblock: " + e.getMessage());
    }
  }

  private static long u64(long v, boolean be) {
    return be ? Long.reverseBytes(v) : v;
  }

  private static int u32(int v, boolean be) {
    return be ? Integer.reverseBytes(v) : v;
  }

  /** Serialises in little-endian generator order (sets {@code ostree.endianness} = 'l'). */
  public byte[] serialize() {
    boolean be = bigEndian();
    List<GVariant> ps = new ArrayList<>();
    for (PartHeader p : parts) {
      byte[] objs = new byte[p.objects().size() * 33];
      int i = 0;
      for (PartObject o : p.objects()) {
        objs[i] = (byte) o.type().id();
        System.arraycopy(o.id().bytes(), 0, objs, i + 1, 32);
        i += 33;
      }
      ps.add(
          GVariant.tuple(
              GVariant.u32(u32(p.version(), be)),
              GVariant.bytes(p.checksum().bytes()),
              GVariant.u64(u64(p.size(), be)),
              GVariant.u64(u64(p.uncompressedSize(), be)),
              GVariant.bytes(objs)));
    }
    List<GVariant> fs = new ArrayList<>();
    for (Fallback f : fallbacks) {
      fs.add(
          GVariant.tuple(
              new GVariant.U8((byte) f.type().id()),
              GVariant.bytes(f.id().bytes()),
              GVariant.u64(u64(f.compressedSize(), be)),
              GVariant.u64(u64(f.uncompressedSize(), be))));
    }
    return GVariant.tuple(
            GVariant.vardict(metadata),
            GVariant.u64(Long.reverseBytes(timestamp)),
            GVariant.bytes(from.map(ObjectId::bytes).orElse(new byte[0])),
            GVariant.bytes(to.bytes()),
            GVariantParser.parse(Commit.TYPE, commitBytes),
            GVariant.bytes(new byte[0]),
            new GVariant.Arr(PART_TYPE, ps),
            new GVariant.Arr(FALLBACK_TYPE, fs))
        .serialize();
  }
}
