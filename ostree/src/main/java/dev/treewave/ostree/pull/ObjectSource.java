package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.ContentObject;
import java.io.IOException;
import java.util.Optional;

/** Where a pull reads from: a remote archive repository (HTTP, file://) or a local repository. */
public interface ObjectSource extends AutoCloseable {

  /** Receives an opened content object; may be called again if a transfer is retried. */
  @FunctionalInterface
  interface ContentSink {
    void accept(ContentObject object) throws IOException;
  }

  /** A repository-relative file ({@code summary}, {@code config}, {@code refs/heads/…}, deltas). */
  Optional<byte[]> file(String path, long maxSize);

  /** The bytes of a metadata object, or empty if the source does not have it. */
  Optional<byte[]> metadata(ObjectType type, ObjectId id, long maxSize);

  /** Streams a content object into {@code sink}; false if the source does not have it. */
  boolean content(ObjectId id, ContentSink sink);

  /** Bytes read from the source so far. */
  long bytesTransferred();

  /** Whether deltas should be looked for (remote archive repositories only). */
  boolean supportsDeltas();

  String describe();

  @Override
  void close();
}
