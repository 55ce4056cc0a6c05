package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ContentObjects;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * {@code .filez}: {@code BE32(len Z) ‖ 0000 ‖ Z ‖ raw-deflate(content)} with {@code Z =
 * (tuuuusa(ayay))}. Raw deflate at level 6, zlib's defaults otherwise, reproduces libostree's bytes
 * exactly.
 */
final class ArchiveContentStorage implements ContentStorage {
  /** Headers are small; anything near this is hostile. */
  static final int MAX_HEADER = 16 * 1024 * 1024;

  @Override
  public ObjectId write(Path target, FileHeader header, InputStream content, long size)
      throws IOException {
    long payload = header.isSymlink() ? 0 : size;
    byte[] z = header.toArchiveVariant(payload).serialize();
    MessageDigest digest = ContentObjects.startDigest(header);
    try (OutputStream out =
        new BufferedOutputStream(
            Files.newOutputStream(target, StandardOpenOption.CREATE_NEW), 64 * 1024)) {
      out.write(ByteBuffer.allocate(8).putInt(z.length).putInt(0).array());
      out.write(z);
      if (!header.isSymlink()) {
        Deflater deflater = new Deflater(6, true);
        try {
          DeflaterOutputStream dos = new DeflaterOutputStream(out, deflater, 64 * 1024);
          HashingCopy.copy(content, dos, size, digest);
          dos.finish();
        } finally {
          deflater.end();
        }
      }
    }
    return ObjectId.ofDigest(digest);
  }

  @Override
  public ContentObject open(Path file) throws IOException {
    InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    try {
      DataInputStream in = new DataInputStream(raw);
      int len = in.readInt();
      int pad = in.readInt();
      if (len <= 0 || len > MAX_HEADER || pad != 0) {
        throw new GVariantFormatException("invalid archive header length " + len);
      }
      byte[] z = in.readNBytes(len);
      if (z.length != len) {
        throw new EOFException("truncated archive header");
      }
      GVariant.Tuple t = (GVariant.Tuple) GVariantParser.parse(FileHeader.ARCHIVE_TYPE, z);
      long size = Long.reverseBytes(((GVariant.U64) t.get(0)).value());
      List<GVariant> rest = t.members().subList(1, t.members().size());
      FileHeader header = FileHeader.fromVariant(new GVariant.Tuple(rest));
      if (size < 0 || (header.isSymlink() && size != 0)) {
        throw new GVariantFormatException("invalid archive content size " + size);
      }
      InputStream body =
          header.isSymlink()
              ? InputStream.nullInputStream()
              : new InflaterInputStream(raw, new Inflater(true), 64 * 1024);
      if (header.isSymlink()) {
        raw.close();
      }
      return new ContentObject(header, size, new BoundedStream(body, size));
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }
}
