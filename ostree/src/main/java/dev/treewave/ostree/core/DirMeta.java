package dev.treewave.ostree.core;

import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.gvariant.GVariantType;
import java.util.List;

/**
 * A dirmeta object {@code (uuua(ayay))}: a directory's uid, gid, mode (big-endian) and xattrs. The
 * same layout is bare-user's {@code user.ostreemeta} xattr (there with a file mode).
 */
public record DirMeta(int uid, int gid, int mode, List<Xattr> xattrs) {
  public static final GVariantType TYPE = GVariantType.parse("(uuua(ayay))");

  public DirMeta {
    xattrs = Xattr.sorted(xattrs);
  }

  public static DirMeta directory(int uid, int gid, int permissions, List<Xattr> xattrs) {
    return new DirMeta(uid, gid, FileMode.S_IFDIR | FileMode.permissions(permissions), xattrs);
  }

  public GVariant toVariant() {
    return GVariant.tuple(
        GVariant.u32(Integer.reverseBytes(uid)),
        GVariant.u32(Integer.reverseBytes(gid)),
        GVariant.u32(Integer.reverseBytes(mode)),
        Xattr.toVariant(xattrs));
  }

  public byte[] serialize() {
    return toVariant().serialize();
  }

  public ObjectId id() {
    return ObjectId.sha256(serialize());
  }

  public static DirMeta parse(byte[] data) {
    GVariant.Tuple t = (GVariant.Tuple) GVariantParser.parse(TYPE, data);
    try {
      return new DirMeta(
          Integer.reverseBytes(((GVariant.U32) t.get(0)).value()),
          Integer.reverseBytes(((GVariant.U32) t.get(1)).value()),
          Integer.reverseBytes(((GVariant.U32) t.get(2)).value()),
          Xattr.fromVariant(t.get(3)));
    } catch (IllegalArgumentException e) {
      throw new GVariantFormatException("invalid dirmeta: " + e.getMessage());
    }
  }

  /** Parses a dirmeta and additionally requires a directory mode (ostree validates this). */
  public static DirMeta parseDirectory(byte[] data) {
    DirMeta m = parse(data);
    if (!FileMode.isDirectory(m.mode())) {
      throw new GVariantFormatException(
          "dirmeta mode 0" + Integer.toOctalString(m.mode()) + " is not a directory");
    }
    return m;
  }
}
