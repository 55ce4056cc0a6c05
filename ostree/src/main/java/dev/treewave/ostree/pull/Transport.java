package dev.treewave.ostree.pull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Fetches repository-relative paths ({@code summary}, {@code objects/ab/….filez}, …) from a remote.
 * Implementations retry transient failures; the {@code reader} may therefore run more than once and
 * must not have side effects that survive a failed attempt.
 */
public interface Transport extends AutoCloseable {

  /** Consumes a response body. */
  @FunctionalInterface
  interface BodyReader<T> {
    T read(InputStream body) throws IOException;
  }

  /**
   * The body of {@code path} passed through {@code reader}, or empty if the remote has no such
   * file.
   */
  <T> Optional<T> get(String path, BodyReader<T> reader);

  /** The whole body, refusing more than {@code maxSize} bytes. */
  default Optional<byte[]> getBytes(String path, long maxSize) {
    return get(
        path,
        in -> {
          byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxSize + 1));
          if (b.length > maxSize) {
            throw new PullException(
                path
                    + " from "
                    + describe()
                    + " is larger than the limit of "
                    + maxSize
                    + " bytes; refused");
          }
          return b;
        });
  }

  /** Bytes received so far (for progress). */
  long bytesTransferred();

  /** Human-readable location for messages. */
  String describe();

  @Override
  void close();
}
