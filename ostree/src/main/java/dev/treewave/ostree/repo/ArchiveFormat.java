package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads the archive-mode content format ({@code .filez}, also what HTTP pulls fetch): {@code
 * BE32(len Z) ‖ 0000 ‖ Z=(tuuuusa(ayay)) ‖ raw-deflate(content)}.
 */
public final class ArchiveFormat {
  /** Headers are small; anything near this is hostile. */
  public static final int MAX_HEADER = 16 * 1024 * 1024;

  private ArchiveFormat() {}

  /**
   * Parses the header and returns the object with an inflating stream of exactly the declared size
   * (a stream that ends early or runs on fails while reading). Takes ownership of {@code raw}.
   * Malformed headers throw {@link GVariantFormatException}.
   */
  public static ContentObject read(InputStream raw) throws IOException {
    return read(raw, MAX_HEADER);
  }

  /**
   * As {@link #read(InputStream)}, with a caller's own limit on the header length (a pull trusts a
   * remote less than its own repo). {@code raw} is closed on error, and at once for a symlink.
   */
  public static ContentObject read(InputStream raw, int maxHeader) throws IOException {
    return read(raw, maxHeader, 64 * 1024);
  }

  /**
   * As above, inflating through an input buffer of {@code bufferSize} bytes. The inflater comes
   * from {@link InflaterPool} and goes back there when the returned object is closed.
   */
  public static ContentObject read(InputStream raw, int maxHeader, int bufferSize)
      throws IOException {
    try {
      DataInputStream in = new DataInputStream(raw);
      int len = in.readInt();
      int pad = in.readInt();
      if (len <= 0 || len > maxHeader || pad != 0) {
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
        raw.close();
        return new ContentObject(header, 0, InputStream.nullInputStream());
      }
      InputStream body = InflaterPool.inflating(raw, bufferSize);
      return new ContentObject(header, size, new BoundedStream(body, size));
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }
}
