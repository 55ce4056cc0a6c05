package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.repo.ContentObject;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Reads a fetched {@code .filez} ({@code BE32(len) ‖ 0000 ‖ (tuuuusa(ayay)) ‖ raw deflate}) as a
 * header plus a stream that yields exactly the declared size and fails with an {@link IOException}
 * if the transfer was cut short (so the fetch is retried) or runs on.
 */
final class FilezReader {
  static final int MAX_HEADER = 1024 * 1024;

  private FilezReader() {}

  static ContentObject read(InputStream raw) throws IOException {
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
    GVariant.Tuple t;
    FileHeader header;
    try {
      t = (GVariant.Tuple) GVariantParser.parse(FileHeader.ARCHIVE_TYPE, z);
      List<GVariant> rest = t.members().subList(1, t.members().size());
      header = FileHeader.fromVariant(new GVariant.Tuple(rest));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new GVariantFormatException("invalid archive header: " + e.getMessage());
    }
    long size = Long.reverseBytes(((GVariant.U64) t.get(0)).value());
    if (size < 0 || (header.isSymlink() && size != 0)) {
      throw new GVariantFormatException("invalid archive content size " + size);
    }
    if (header.isSymlink()) {
      return new ContentObject(header, 0, InputStream.nullInputStream());
    }
    InputStream body = new InflaterInputStream(raw, new Inflater(true), 64 * 1024);
    return new ContentObject(header, size, new Exact(body, size));
  }

  /** Exactly {@code size} bytes: EOF before is an error, and so is more data after. */
  static final class Exact extends FilterInputStream {
    private long remaining;

    Exact(InputStream in, long size) {
      super(in);
      this.remaining = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        if (len > 0 && super.read() >= 0) {
          throw new IOException("archive object has more data than its declared size");
        }
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException("archive object truncated: " + remaining + " bytes missing");
      }
      remaining -= n;
      return n;
    }
  }
}
