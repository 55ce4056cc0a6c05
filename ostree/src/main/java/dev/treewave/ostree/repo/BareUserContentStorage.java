package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ContentObjects;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.FileMode;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * bare-user: a plain file owned by the writer, permissions {@code (mode & 0775) | 0400}, mtime 0;
 * the real uid/gid/mode/xattrs in the {@code user.ostreemeta} xattr as {@code (uuua(ayay))}.
 * Symlinks are regular files holding the target and a trailing NUL.
 */
final class BareUserContentStorage implements ContentStorage {
  static final String META_XATTR = "ostreemeta";

  @Override
  public ObjectId write(
      Path target, FileHeader header, InputStream content, long size, boolean checksum)
      throws IOException {
    MessageDigest digest = checksum ? ContentObjects.startDigest(header) : null;
    int mode = objectMode(header);
    // created with its final permissions: no chmod unless the umask takes bits away
    try (FileChannel ch = FastWrite.createWithMode(target, writable(mode))) {
      if (header.isSymlink()) {
        byte[] t = header.symlinkTarget().getBytes(StandardCharsets.UTF_8);
        FastWrite.writeFully(ch, ByteBuffer.wrap(Arrays.copyOf(t, t.length + 1)));
      } else {
        HashingCopy.copy(content, ch, size, digest);
      }
    }
    finish(target, header, mode);
    return digest == null ? null : ObjectId.ofDigest(digest);
  }

  @Override
  public void writeBytes(Path target, FileHeader header, byte[] content) throws IOException {
    if (header.isSymlink()) {
      write(target, header, null, 0, false);
      return;
    }
    int mode = objectMode(header);
    FastWrite.createWithMode(target, content, writable(mode));
    finish(target, header, mode);
  }

  /** libostree leaves symlink objects at 0644; files get their mode minus setuid/setgid/o+w. */
  private static int objectMode(FileHeader header) {
    return header.isSymlink() ? 0644 : (header.mode() & 0775) | 0400;
  }

  /** Setting a user.* xattr needs write permission: read-only modes are applied afterwards. */
  private static int writable(int mode) {
    return mode | 0200;
  }

  private static void finish(Path target, FileHeader header, int mode) throws IOException {
    byte[] meta =
        new DirMeta(header.uid(), header.gid(), header.mode(), header.xattrs()).serialize();
    FileAttributes.writeUserXattr(target, META_XATTR, meta);
    FastWrite.fixMode(target, writable(mode), mode);
    FastWrite.setTimesZero(target);
  }

  @Override
  public ContentObject open(Path file) throws IOException {
    byte[] metaBytes = FileAttributes.readUserXattr(file, META_XATTR);
    if (metaBytes == null) {
      throw new GVariantFormatException("bare-user object lacks the user.ostreemeta xattr");
    }
    DirMeta meta = DirMeta.parse(metaBytes);
    if (FileMode.isSymlink(meta.mode())) {
      byte[] raw = Files.readAllBytes(file);
      if (raw.length < 2 || raw[raw.length - 1] != 0) {
        throw new GVariantFormatException("bare-user symlink object is not NUL-terminated");
      }
      String target = new String(raw, 0, raw.length - 1, StandardCharsets.UTF_8);
      FileHeader h = new FileHeader(meta.uid(), meta.gid(), meta.mode(), target, meta.xattrs());
      return new ContentObject(h, 0, new ByteArrayInputStream(new byte[0]));
    }
    FileHeader h;
    try {
      h = new FileHeader(meta.uid(), meta.gid(), meta.mode(), "", meta.xattrs());
    } catch (IllegalArgumentException e) {
      throw new GVariantFormatException("invalid user.ostreemeta: " + e.getMessage());
    }
    long size = Files.size(file);
    return new ContentObject(
        h,
        size,
        new BoundedStream(new java.io.BufferedInputStream(Files.newInputStream(file)), size));
  }

  static byte[] stripNul(byte[] b) {
    return Arrays.copyOf(b, b.length - 1);
  }
}
