package dev.treewave.ostree.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The data blob of the delta part being built, spooled to a temporary file (deleted when closed): a
 * part is up to 32 MB of file contents, which the generator need not hold in memory. A small write
 * buffer keeps the system calls few.
 */
final class BlobSpool implements AutoCloseable {
  private final Path file;
  private final FileChannel ch;
  private final ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
  private long size;

  BlobSpool(Path tmpDir) throws IOException {
    Files.createDirectories(tmpDir);
    this.file = Files.createTempFile(tmpDir, "delta-blob-", "");
    this.ch =
        FileChannel.open(
            file,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
  }

  long size() {
    return size;
  }

  void writeBytes(byte[] b) throws IOException {
    write(b, 0, b.length);
  }

  void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, buf.remaining());
      buf.put(b, off, n);
      off += n;
      len -= n;
      size += n;
      if (!buf.hasRemaining()) {
        drain();
      }
    }
  }

  /** Appends exactly {@code n} bytes of {@code in}; fewer is an error (the object changed). */
  void copyFrom(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      if (!buf.hasRemaining()) {
        drain();
      }
      int r =
          in.read(
              buf.array(),
              buf.arrayOffset() + buf.position(),
              (int) Math.min(buf.remaining(), left));
      if (r < 0) {
        throw new DeltaException("object ended " + left + " bytes before its declared size");
      }
      buf.position(buf.position() + r);
      left -= r;
      size += r;
    }
  }

  private void drain() throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    buf.clear();
  }

  /** Streams the whole blob into {@code out}. */
  void writeTo(OutputStream out) throws IOException {
    drain();
    ch.position(0);
    InputStream in = Channels.newInputStream(ch);
    byte[] b = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int r = in.read(b, 0, (int) Math.min(b.length, left));
      if (r < 0) {
        throw new IOException("delta blob spool is shorter than written");
      }
      out.write(b, 0, r);
      left -= r;
    }
    ch.position(size);
  }

  /** Empties the spool for the next part. */
  void reset() throws IOException {
    buf.clear();
    ch.truncate(0);
    ch.position(0);
    size = 0;
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
