package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ContentObjects;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.FileMode;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    try (OutputStream out =
        new BufferedOutputStream(
            Files.newOutputStream(target, StandardOpenOption.CREATE_NEW), 64 * 1024)) {
      if (header.isSymlink()) {
        out.write(header.symlinkTarget().getBytes(StandardCharsets.UTF_8));
        out.write(0);
      } else {
        HashingCopy.copy(content, out, size, digest);
      }
    }
    byte[] meta =
        new DirMeta(header.uid(), header.gid(), header.mode(), header.xattrs()).serialize();
    FileAttributes.writeUserXattr(target, META_XATTR, meta);
    // libostree leaves symlink objects at 0644; files get their mode minus setuid/setgid/o+w.
    FileAttributes.chmod(target, header.isSymlink() ? 0644 : (header.mode() & 0775) | 0400);
    FileAttributes.setMtimeZero(target);
    return digest == null ? null : ObjectId.ofDigest(digest);
  }

  @Override
  public void writeBytes(Path target, FileHeader header, byte[] content) throws IOException {
    if (header.isSymlink()) {
      write(target, header, null, 0, false);
      return;
    }
    FastWrite.create(target, content);
    byte[] meta =
        new DirMeta(header.uid(), header.gid(), header.mode(), header.xattrs()).serialize();
    FileAttributes.writeUserXattr(target, META_XATTR, meta);
    FileAttributes.chmod(target, (header.mode() & 0775) | 0400);
    FileAttributes.setMtimeZero(target);
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
