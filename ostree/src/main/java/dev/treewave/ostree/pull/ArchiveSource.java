package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.repo.ArchiveFormat;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.CorruptObjectException;
import java.util.Optional;

/**
 * An archive-mode repository behind a {@link Transport}: metadata at {@code objects/XX/Y.TYPE},
 * content at {@code objects/XX/Y.filez}, which is what every ostree HTTP client expects.
 */
public final class ArchiveSource implements ObjectSource {
  /** Header limit for fetched {@code .filez}: a remote is trusted less than the local repo. */
  static final int MAX_FETCHED_HEADER = 1024 * 1024;

  private final Transport transport;
  private final Transport contentTransport;

  public ArchiveSource(Transport transport) {
    this(transport, transport);
  }

  /** With a separate {@code contenturl} transport for objects and deltas. */
  public ArchiveSource(Transport transport, Transport contentTransport) {
    this.transport = transport;
    this.contentTransport = contentTransport;
  }

  public Transport transport() {
    return transport;
  }

  static String objectPath(ObjectType type, ObjectId id) {
    String hex = id.hex();
    String ext = type == ObjectType.FILE ? "filez" : type.extension();
    return "objects/" + hex.substring(0, 2) + "/" + hex.substring(2) + "." + ext;
  }

  @Override
  public Optional<byte[]> file(String path, long maxSize) {
    Transport t =
        path.startsWith("deltas/") || path.startsWith("delta-indexes/")
            ? contentTransport
            : transport;
    return t.getBytes(path, maxSize);
  }

  @Override
  public Optional<byte[]> metadata(ObjectType type, ObjectId id, long maxSize) {
    Transport t = type == ObjectType.COMMIT_META ? transport : contentTransport;
    return t.getBytes(objectPath(type, id), maxSize);
  }

  @Override
  public boolean content(ObjectId id, ContentSink sink) {
    return contentTransport
        .get(
            objectPath(ObjectType.FILE, id),
            in -> {
              ContentObject co;
              try {
                co = ArchiveFormat.read(in, MAX_FETCHED_HEADER, 16 * 1024);
              } catch (GVariantFormatException e) {
                throw new CorruptObjectException(ObjectType.FILE, id, e.getMessage());
              }
              try (co) {
                sink.accept(co);
              }
              return Boolean.TRUE;
            })
        .isPresent();
  }

  @Override
  public long bytesTransferred() {
    return transport.bytesTransferred()
        + (contentTransport == transport ? 0 : contentTransport.bytesTransferred());
  }

  @Override
  public boolean supportsDeltas() {
    return true;
  }

  @Override
  public String describe() {
    return transport.describe();
  }

  @Override
  public void close() {
    transport.close();
    if (contentTransport != transport) {
      contentTransport.close();
    }
  }
}
