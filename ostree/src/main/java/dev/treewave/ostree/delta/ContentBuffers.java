package dev.treewave.ostree.delta;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reused read buffers for a new file's content and the previous version it is diffed against (both
 * are loaded at once): fresh multi-MB arrays for every file would be promoted by each young
 * collection that catches them and grow the old generation (and the process's resident memory) with
 * garbage until a full collection. One generation at a time uses one instance.
 */
final class ContentBuffers {
  private final Path tmpDir;
  private byte[] newBuf = new byte[0];
  private byte[] oldBuf = new byte[0];

  /** Contents too large for the heap spool to files in {@code tmpDir}. */
  ContentBuffers(Path tmpDir) {
    this.tmpDir = tmpDir;
  }

  /** Files up to this size are read into the heap (a small share of it). */
  static long inMemoryLimit() {
    return Runtime.getRuntime().maxMemory() / 16;
  }

  /** The new file's buffer, at least {@code n} bytes (valid until the next call). */
  byte[] newBuffer(int n) {
    if (newBuf.length < n) {
      newBuf = new byte[grow(n)];
    }
    return newBuf;
  }

  private byte[] oldBuffer(int n) {
    if (oldBuf.length < n) {
      oldBuf = new byte[grow(n)];
    }
    return oldBuf;
  }

  private static int grow(int n) {
    long rounded = Math.max(64 * 1024, Long.highestOneBit(Math.max(1, n - 1)) << 1);
    return (int) Math.min(rounded, Math.max(n, inMemoryLimit()));
  }

  /**
   * File content for diffing: in the heap (the new or the old buffer) when it takes a small share
   * of it, else spooled to a temporary file (which keeps the generator's memory flat whatever the
   * file sizes).
   */
  DiffInput load(InputStream content, long size, boolean old) throws IOException {
    if (size <= inMemoryLimit()) {
      int n = (int) size;
      byte[] buf = old ? oldBuffer(n) : newBuffer(n);
      return DiffInput.of(readExactly(content, n, buf), n);
    }
    return DiffInput.spool(content, size, tmpDir);
  }

  /** Reads exactly {@code n} bytes into {@code buf}; the object must end there. */
  static byte[] readExactly(InputStream content, int n, byte[] buf) throws IOException {
    int got = content.readNBytes(buf, 0, n);
    if (got != n || content.read() >= 0) {
      throw new DeltaException("object is not its declared " + n + " bytes");
    }
    return buf;
  }
}
