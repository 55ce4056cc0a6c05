package dev.treewave.ostree.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * File content for the rolling diff: in memory for ordinary files, or spooled to a temporary file
 * and read through a small window for large ones (a 50 MB package list and its previous version
 * need not sit in the heap to be diffed).
 */
abstract sealed class DiffInput implements AutoCloseable {
  abstract int length();

  /** The unsigned byte at {@code pos}. */
  abstract int at(int pos);

  /** Appends {@code len} bytes from {@code off} to the blob. */
  abstract void copyTo(int off, int len, BlobSpool blob) throws IOException;

  /** Copies {@code len} bytes from {@code pos} into {@code dst} at {@code dOff}. */
  abstract void read(int pos, byte[] dst, int dOff, int len);

  private static final int RUN_CHUNK = 16 * 1024;

  /**
   * How many bytes from {@code pos} on equal {@code other}'s from {@code otherPos} on, up to {@code
   * max}: compared in bulk (vectorized by the JIT) rather than byte by byte, since matches between
   * versions of a file run for megabytes.
   */
  int equalRun(int pos, DiffInput other, int otherPos, int max) {
    if (this instanceof InMemory a && other instanceof InMemory b) {
      int m = java.util.Arrays.mismatch(a.b, pos, pos + max, b.b, otherPos, otherPos + max);
      return m < 0 ? max : m;
    }
    byte[] x = new byte[Math.min(RUN_CHUNK, max)];
    byte[] y = new byte[x.length];
    int done = 0;
    while (done < max) {
      int n = Math.min(x.length, max - done);
      read(pos + done, x, 0, n);
      other.read(otherPos + done, y, 0, n);
      int m = java.util.Arrays.mismatch(x, 0, n, y, 0, n);
      if (m >= 0) {
        return done + m;
      }
      done += n;
    }
    return done;
  }

  @Override
  public void close() throws IOException {}

  static DiffInput of(byte[] b) {
    return new InMemory(b, b.length);
  }

  /** The first {@code len} bytes of {@code b} (a reused buffer may be longer). */
  static DiffInput of(byte[] b, int len) {
    return new InMemory(b, len);
  }

  /** Copies exactly {@code size} bytes of {@code in} to a temporary file in {@code tmpDir}. */
  static DiffInput spool(InputStream in, long size, Path tmpDir) throws IOException {
    if (size > Integer.MAX_VALUE - 8) {
      throw new DeltaException("file too large to diff: " + size);
    }
    Path f = Files.createTempFile(tmpDir, "delta-diff-", "");
    try {
      try (var out = Files.newOutputStream(f)) {
        long copied = in.transferTo(out);
        if (copied != size) {
          throw new DeltaException("object is " + copied + " bytes, declared " + size);
        }
      }
      return new Spooled(f, (int) size);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(f);
      throw e;
    }
  }

  static final class InMemory extends DiffInput {
    final byte[] b;
    final int len;

    InMemory(byte[] b, int len) {
      this.b = b;
      this.len = len;
    }

    /** The content as an array of exactly its length. */
    byte[] bytes() {
      return b.length == len ? b : java.util.Arrays.copyOf(b, len);
    }

    @Override
    int length() {
      return len;
    }

    @Override
    int at(int pos) {
      return b[pos] & 0xff;
    }

    @Override
    void copyTo(int off, int len, BlobSpool blob) throws IOException {
      blob.write(b, off, len);
    }

    @Override
    void read(int pos, byte[] dst, int dOff, int len) {
      System.arraycopy(b, pos, dst, dOff, len);
    }
  }

  static final class Spooled extends DiffInput {
    private static final int WINDOW = 64 * 1024;
    private final Path file;
    private final FileChannel ch;
    private final int length;
    private final byte[] win = new byte[WINDOW];
    private int winStart;
    private int winLen;

    Spooled(Path file, int length) throws IOException {
      this.file = file;
      this.length = length;
      this.ch = FileChannel.open(file, StandardOpenOption.READ);
    }

    @Override
    int length() {
      return length;
    }

    @Override
    int at(int pos) {
      int rel = pos - winStart;
      if (rel < 0 || rel >= winLen) {
        load(Math.max(0, pos - 4096)); // a little behind too: matches are verified backwards
        rel = pos - winStart;
      }
      return win[rel] & 0xff;
    }

    private void load(int start) {
      try {
        ByteBuffer bb = ByteBuffer.wrap(win, 0, Math.min(WINDOW, length - start));
        long p = start;
        while (bb.hasRemaining()) {
          int n = ch.read(bb, p);
          if (n < 0) {
            throw new IOException("diff spool shorter than expected");
          }
          p += n;
        }
        winStart = start;
        winLen = bb.position();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    void read(int pos, byte[] dst, int dOff, int len) {
      if (pos >= winStart && pos + len <= winStart + winLen) {
        System.arraycopy(win, pos - winStart, dst, dOff, len);
        return;
      }
      try {
        ByteBuffer bb = ByteBuffer.wrap(dst, dOff, len);
        long p = pos;
        while (bb.hasRemaining()) {
          int n = ch.read(bb, p);
          if (n < 0) {
            throw new IOException("diff spool shorter than expected");
          }
          p += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    void copyTo(int off, int len, BlobSpool blob) throws IOException {
      byte[] buf = new byte[Math.min(len, 64 * 1024)];
      long p = off;
      int left = len;
      while (left > 0) {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, Math.min(buf.length, left));
        int n = ch.read(bb, p);
        if (n < 0) {
          throw new IOException("diff spool shorter than expected");
        }
        blob.write(buf, 0, n);
        p += n;
        left -= n;
      }
    }

    @Override
    public void close() throws IOException {
      try {
        ch.close();
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }
}
