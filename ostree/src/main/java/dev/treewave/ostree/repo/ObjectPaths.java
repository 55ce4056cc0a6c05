package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Loose-object naming: {@code XX/YYYY….ext}, with {@code .filez} for content in archive mode. */
final class ObjectPaths {
  private ObjectPaths() {}

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  static String relative(ObjectType type, ObjectId id, RepoMode mode) {
    String ext = type.extension();
    if (type == ObjectType.FILE && mode == RepoMode.ARCHIVE) {
      ext = "filez";
    }
    // Written into one buffer, not hex() then substrings and a concatenation: a checkout or a
    // pull asks for a path per object, and this was a tenth of a hard-link checkout's Java work.
    byte[] id32 = id.bytes();
    byte[] out = new byte[2 * id32.length + 2 + ext.length()];
    int o = 0;
    for (int i = 0; i < id32.length; i++) {
      if (i == 1) {
        out[o++] = '/';
      }
      out[o++] = HEX_DIGITS[(id32[i] >> 4) & 0xf];
      out[o++] = HEX_DIGITS[id32[i] & 0xf];
    }
    out[o++] = '.';
    for (int i = 0; i < ext.length(); i++) {
      out[o++] = (byte) ext.charAt(i);
    }
    return new String(out, StandardCharsets.US_ASCII);
  }

  static Path under(Path dir, ObjectType type, ObjectId id, RepoMode mode) {
    return dir.resolve(relative(type, id, mode));
  }
}
