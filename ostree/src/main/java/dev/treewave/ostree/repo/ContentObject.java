package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.FileHeader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A content object opened for reading: its header and, for regular files, a stream over the
 * uncompressed payload of {@code size} bytes (empty for symlinks). Close it when done.
 */
public record ContentObject(FileHeader header, long size, InputStream content)
    implements Closeable {
  @Override
  public void close() throws IOException {
    content.close();
  }
}
