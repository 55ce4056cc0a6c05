package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.Xattr;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** How one repository mode lays out a content object on disk (see RepoMode). */
interface ContentStorage {

  /**
   * Writes the object to the fresh path {@code target} from exactly {@code size} bytes of {@code
   * content} (ignored for symlinks) and returns the checksum of the canonical stream actually
   * written, or null when {@code checksum} is false (the caller computed it from the same bytes).
   * The xattrs {@link #xattrsLeftToCaller} names are not set.
   */
  ObjectId write(Path target, FileHeader header, InputStream content, long size, boolean checksum)
      throws IOException;

  /** Writes an object from bytes already in memory, without computing its checksum. */
  default void writeBytes(Path target, FileHeader header, byte[] content) throws IOException {
    write(target, header, new java.io.ByteArrayInputStream(content), content.length, false);
  }

  /**
   * The xattrs a written object still needs because the JDK cannot set them: the caller queues them
   * in an {@link XattrBatch} that it applies before the object gets its final name.
   */
  default List<Xattr> xattrsLeftToCaller(FileHeader header) {
    return List.of();
  }

  /** Opens a stored object. */
  ContentObject open(Path file) throws IOException;

  /**
   * Why {@link #open} may see less than is stored, for an error message about a checksum mismatch;
   * empty when it sees everything.
   */
  default String readLimitation() {
    return "";
  }

  static ContentStorage forMode(RepoMode mode) {
    return switch (mode) {
      case ARCHIVE -> new ArchiveContentStorage();
      case BARE_USER -> new BareUserContentStorage();
      case BARE_USER_ONLY -> new BareContentStorage(false);
      case BARE -> new BareContentStorage(true);
    };
  }
}
