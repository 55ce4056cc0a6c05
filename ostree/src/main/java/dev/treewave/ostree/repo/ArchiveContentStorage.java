package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ContentObjects;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * {@code .filez}: {@code BE32(len Z) ‖ 0000 ‖ Z ‖ raw-deflate(content)} with {@code Z =
 * (tuuuusa(ayay))}. Raw deflate at level 6, zlib's defaults otherwise, reproduces libostree's bytes
 * exactly.
 */
final class ArchiveContentStorage implements ContentStorage {
  /** Headers are small; anything near this is hostile. */
  static final int MAX_HEADER = 16 * 1024 * 1024;

  /**
   * One deflater per thread, reset before each object: a fresh zlib stream allocates and clears
   * about 270 KB of state, once per file of a commit or pull otherwise. A reset stream produces
   * exactly the bytes of a new one (the byte-identity tests against libostree hold either way).
   */
  private static final ThreadLocal<Deflater> DEFLATER =
      ThreadLocal.withInitial(() -> new Deflater(6, true));

  /** The compressed output of one in-memory object; kept per thread below this size. */
  private static final int KEEP_BUFFER_UP_TO = 1024 * 1024;

  private static final ThreadLocal<byte[]> OUTPUT = ThreadLocal.withInitial(() -> new byte[0]);

  private static Deflater deflater() {
    Deflater d = DEFLATER.get();
    d.reset(); // also after an exception left the previous stream half-written
    return d;
  }

  @Override
  public ObjectId write(
      Path target, FileHeader header, InputStream content, long size, boolean checksum)
      throws IOException {
    long payload = header.isSymlink() ? 0 : size;
    byte[] z = header.toArchiveVariant(payload).serialize();
    MessageDigest digest = checksum ? ContentObjects.startDigest(header) : null;
    try (OutputStream out =
        new BufferedOutputStream(
            Files.newOutputStream(target, StandardOpenOption.CREATE_NEW), 64 * 1024)) {
      out.write(ByteBuffer.allocate(8).putInt(z.length).putInt(0).array());
      out.write(z);
      if (!header.isSymlink()) {
        // Not closed: closing would only flush `out`, which the outer try closes; the shared
        // deflater must not be ended.
        DeflaterOutputStream dos = new DeflaterOutputStream(out, deflater(), 64 * 1024);
        HashingCopy.copy(content, dos, size, digest);
        dos.finish();
      }
    }
    return digest == null ? null : ObjectId.ofDigest(digest);
  }

  @Override
  public void writeBytes(Path target, FileHeader header, byte[] content) throws IOException {
    if (header.isSymlink()) {
      write(target, header, null, 0, false);
      return;
    }
    byte[] z = header.toArchiveVariant(content.length).serialize();
    Deflater deflater = deflater();
    deflater.setInput(content);
    deflater.finish();
    int bound = content.length + content.length / 500 + 64;
    byte[] out = OUTPUT.get();
    if (out.length < bound) {
      out = new byte[bound];
      if (bound <= KEEP_BUFFER_UP_TO) {
        OUTPUT.set(out);
      }
    }
    int n = 0;
    while (!deflater.finished()) {
      if (n == out.length) {
        out = java.util.Arrays.copyOf(out, out.length * 2);
      }
      n += deflater.deflate(out, n, out.length - n);
    }
    deflater.setInput(new byte[0]); // drop the reference to the caller's array
    ByteBuffer head = ByteBuffer.allocate(8 + z.length).putInt(z.length).putInt(0).put(z);
    FastWrite.create(target, head.array(), out, n);
  }

  @Override
  public ContentObject open(Path file) throws IOException {
    return ArchiveFormat.read(
        new java.io.BufferedInputStream(Files.newInputStream(file), 64 * 1024));
  }
}
