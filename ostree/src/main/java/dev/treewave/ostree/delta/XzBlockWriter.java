package dev.treewave.ostree.delta;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.FinishableOutputStream;
import org.tukaani.xz.FinishableWrapperOutputStream;
import org.tukaani.xz.LZMA2Options;

/**
 * Writes one .xz stream of several blocks, each either stored (LZMA2 uncompressed chunks, no
 * encoder run at all) or LZMA2-compressed, for delta parts whose data xz cannot shrink.
 *
 * <p>Why not a part with compression type 0: ostree 2022.7 reads those by mmap-ing the part file at
 * offset 1, which the kernel refuses ("mmap: Invalid argument"), so only xz parts work as files.
 * And why not xz-java's encoder: on incompressible bytes it runs its match finder and price
 * calculations (about 2 MB/s here) only to emit these very uncompressed chunks. Stored chunks cost
 * 3 bytes per 64 KiB, as in the encoder's output; every xz decoder (liblzma's in ostree, xz-java's
 * in ours) reads multi-block streams.
 *
 * <p>Format (the .xz file format, version 1.0.4): stream header, blocks (header, LZMA2 data,
 * padding to 4 bytes, CRC32 of the block's uncompressed data), index, stream footer.
 */
final class XzBlockWriter extends OutputStream {
  private static final byte[] MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
  private static final byte[] FOOTER_MAGIC = {'Y', 'Z'};
  private static final int CHECK_CRC32 = 0x01;
  private static final int FILTER_LZMA2 = 0x21;

  /** The largest uncompressed LZMA2 chunk. */
  private static final int CHUNK = 64 * 1024;

  private final CountingOutputStream out;
  private final ArrayCache cache;
  private final List<long[]> records = new ArrayList<>();
  private final byte[] one = new byte[1];

  // the open block, if any
  private boolean open;
  private boolean stored;
  private long blockStart;
  private int headerSize;
  private long uncompressed;
  private final CRC32 check = new CRC32();
  private FinishableOutputStream encoder;
  private byte[] chunk;
  private int chunkLen;
  private boolean firstChunk;

  XzBlockWriter(OutputStream out, ArrayCache cache) throws IOException {
    this.out = new CountingOutputStream(out);
    this.cache = cache;
    this.out.write(MAGIC);
    byte[] flags = {0, CHECK_CRC32};
    this.out.write(flags);
    writeLe32(crc32(flags, 0, 2));
  }

  /** Ends the open block and starts one of stored chunks. */
  void startStoredBlock() throws IOException {
    endBlock();
    begin(true, CHUNK);
    chunk = new byte[CHUNK];
    chunkLen = 0;
    firstChunk = true;
  }

  /** Ends the open block and starts an LZMA2-compressed one. */
  void startCompressedBlock(LZMA2Options options) throws IOException {
    endBlock();
    begin(false, options.getDictSize());
    encoder =
        options.getOutputStream(new FinishableWrapperOutputStream(new Unclosable(out)), cache);
  }

  private void begin(boolean stored, int dictSize) throws IOException {
    this.open = true;
    this.stored = stored;
    this.blockStart = out.count();
    this.uncompressed = 0;
    this.check.reset();
    // block header: size, flags (one filter, no size fields), LZMA2 with its dictionary size
    byte[] h = new byte[12];
    h[0] = (byte) (h.length / 4 - 1);
    h[1] = 0;
    h[2] = FILTER_LZMA2;
    h[3] = 1;
    h[4] = dictSizeProperty(dictSize);
    int crc = crc32(h, 0, 8);
    for (int i = 0; i < 4; i++) {
      h[8 + i] = (byte) (crc >>> (8 * i));
    }
    out.write(h);
    headerSize = h.length;
  }

  @Override
  public void write(int b) throws IOException {
    one[0] = (byte) b;
    write(one, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    if (!open) {
      throw new IOException("xz: no block started");
    }
    check.update(b, off, len);
    uncompressed += len;
    if (!stored) {
      encoder.write(b, off, len);
      return;
    }
    while (len > 0) {
      int n = Math.min(len, CHUNK - chunkLen);
      System.arraycopy(b, off, chunk, chunkLen, n);
      chunkLen += n;
      off += n;
      len -= n;
      if (chunkLen == CHUNK) {
        writeChunk();
      }
    }
  }

  private void writeChunk() throws IOException {
    if (chunkLen == 0) {
      return;
    }
    // 0x01: uncompressed chunk that resets the dictionary (the block's first); 0x02: without
    out.write(firstChunk ? 0x01 : 0x02);
    out.write((chunkLen - 1) >>> 8);
    out.write((chunkLen - 1) & 0xFF);
    out.write(chunk, 0, chunkLen);
    firstChunk = false;
    chunkLen = 0;
  }

  private void endBlock() throws IOException {
    if (!open) {
      return;
    }
    if (stored) {
      writeChunk();
      out.write(0x00); // LZMA2 end marker
      chunk = null;
    } else {
      encoder.finish(); // writes the end marker
      encoder = null;
    }
    long compressed = out.count() - blockStart - headerSize;
    while ((out.count() - blockStart) % 4 != 0) {
      out.write(0);
    }
    writeLe32((int) check.getValue());
    records.add(new long[] {headerSize + compressed + 4, uncompressed});
    open = false;
  }

  /** Ends the last block and writes the index and stream footer; does not close the target. */
  void finish() throws IOException {
    endBlock();
    long indexStart = out.count();
    CRC32 crc = new CRC32();
    OutputStream index =
        new FilterOutputStream(out) {
          @Override
          public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
          }
        };
    index.write(0x00);
    varint(index, records.size());
    for (long[] r : records) {
      varint(index, r[0]);
      varint(index, r[1]);
    }
    while ((out.count() - indexStart) % 4 != 0) {
      index.write(0);
    }
    writeLe32((int) crc.getValue());
    long backward = (out.count() - indexStart) / 4 - 1;
    byte[] f = new byte[6];
    for (int i = 0; i < 4; i++) {
      f[i] = (byte) (backward >>> (8 * i));
    }
    f[4] = 0;
    f[5] = CHECK_CRC32;
    writeLe32(crc32(f, 0, 6));
    out.write(f);
    out.write(FOOTER_MAGIC);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
    out.close();
  }

  /** The LZMA2 property byte: the smallest encoded dictionary size of at least {@code size}. */
  static byte dictSizeProperty(int size) {
    for (int p = 0; p < 40; p++) {
      long d = (2L | (p & 1)) << (p / 2 + 11);
      if (d >= size) {
        return (byte) p;
      }
    }
    return 40; // 4 GiB - 1
  }

  private void writeLe32(int v) throws IOException {
    for (int i = 0; i < 4; i++) {
      out.write(v >>> (8 * i));
    }
  }

  private static void varint(OutputStream o, long v) throws IOException {
    while (v >= 0x80) {
      o.write((int) (v | 0x80));
      v >>>= 7;
    }
    o.write((int) v);
  }

  private static int crc32(byte[] b, int off, int len) {
    CRC32 c = new CRC32();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  /** Keeps the encoder's finish/close from closing the stream the next blocks go to. */
  private static final class Unclosable extends FilterOutputStream {
    Unclosable(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
