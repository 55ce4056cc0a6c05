package dev.treewave.ostree.core;

import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.gvariant.GVariantType;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The metadata of a content ("file") object: the GVariant {@code (uuuusa(ayay))} with uid, gid and
 * mode stored big-endian, rdev always 0, the symlink target (empty for regular files) and xattrs.
 */
public record FileHeader(int uid, int gid, int mode, String symlinkTarget, List<Xattr> xattrs) {
  public static final GVariantType TYPE = GVariantType.parse("(uuuusa(ayay))");
  public static final GVariantType ARCHIVE_TYPE = GVariantType.parse("(tuuuusa(ayay))");

  public FileHeader {
    if (!FileMode.isRegular(mode) && !FileMode.isSymlink(mode)) {
      throw new IllegalArgumentException(
          "content objects are regular files or symlinks, not mode 0"
              + Integer.toOctalString(mode));
    }
    if (FileMode.isSymlink(mode) && symlinkTarget.isEmpty()) {
      throw new IllegalArgumentException("a symlink needs a target");
    }
    if (FileMode.isRegular(mode) && !symlinkTarget.isEmpty()) {
      throw new IllegalArgumentException("a regular file has no symlink target");
    }
    xattrs = Xattr.sorted(xattrs);
  }

  public static FileHeader regular(int uid, int gid, int mode, List<Xattr> xattrs) {
    return new FileHeader(uid, gid, FileMode.S_IFREG | FileMode.permissions(mode), "", xattrs);
  }

  public static FileHeader symlink(int uid, int gid, String target, List<Xattr> xattrs) {
    return new FileHeader(uid, gid, FileMode.S_IFLNK | 0777, target, xattrs);
  }

  public boolean isSymlink() {
    return FileMode.isSymlink(mode);
  }

  public GVariant toVariant() {
    return GVariant.tuple(
        GVariant.u32(Integer.reverseBytes(uid)),
        GVariant.u32(Integer.reverseBytes(gid)),
        GVariant.u32(Integer.reverseBytes(mode)),
        GVariant.u32(0),
        GVariant.str(symlinkTarget),
        Xattr.toVariant(xattrs));
  }

  /** The archive-mode header {@code (tuuuusa(ayay))}, led by the uncompressed size (BE). */
  public GVariant toArchiveVariant(long size) {
    GVariant.Tuple h = (GVariant.Tuple) toVariant();
    java.util.List<GVariant> m = new java.util.ArrayList<>();
    m.add(GVariant.u64(Long.reverseBytes(size)));
    m.addAll(h.members());
    return new GVariant.Tuple(m);
  }

  /**
   * The start of the canonical content stream that is hashed: {@code BE32(len(H)) ‖ 0000 ‖ H}. The
   * same framing wraps the archive header in {@code .filez} files.
   */
  public byte[] canonicalPrefix() {
    return frame(toVariant().serialize());
  }

  static byte[] frame(byte[] header) {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length);
    b.putInt(header.length).putInt(0).put(header);
    return b.array();
  }

  public static FileHeader fromVariant(GVariant v) {
    GVariant.Tuple t = (GVariant.Tuple) v;
    return fromMembers(t.members(), 0);
  }

  static FileHeader fromMembers(List<GVariant> m, int first) {
    int rdev = ((GVariant.U32) m.get(first + 3)).value();
    if (rdev != 0) {
      throw new GVariantFormatException("content object has a non-zero rdev");
    }
    try {
      return new FileHeader(
          Integer.reverseBytes(((GVariant.U32) m.get(first)).value()),
          Integer.reverseBytes(((GVariant.U32) m.get(first + 1)).value()),
          Integer.reverseBytes(((GVariant.U32) m.get(first + 2)).value()),
          ((GVariant.Str) m.get(first + 4)).value(),
          Xattr.fromVariant(m.get(first + 5)));
    } catch (IllegalArgumentException e) {
      throw new GVariantFormatException("invalid content object header: " + e.getMessage());
    }
  }

  public static FileHeader parse(byte[] headerVariant) {
    return fromVariant(GVariantParser.parse(TYPE, headerVariant));
  }
}
