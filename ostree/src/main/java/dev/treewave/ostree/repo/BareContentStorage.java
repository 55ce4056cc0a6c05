package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ContentObjects;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.FileMode;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.Xattr;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;

/**
 * bare (real ownership, mode and xattrs on the object file, needs root) and bare-user-only (mode
 * only; uid = gid = 0 and no xattrs are implied, so objects that need more are refused). Symlinks
 * are real symlinks. A bare object's xattrs in every namespace are part of its checksum: those the
 * JDK cannot set go through the caller's {@link XattrBatch}, and they are read by {@link NativeFs}
 * (only {@code user.*}, through the JDK, where native calls are unavailable).
 */
final class BareContentStorage implements ContentStorage {
  private final boolean withOwnership;

  BareContentStorage(boolean withOwnership) {
    this.withOwnership = withOwnership;
  }

  @Override
  public ObjectId write(
      Path target, FileHeader header, InputStream content, long size, boolean checksum)
      throws IOException {
    checkRepresentable(header);
    MessageDigest digest = checksum ? ContentObjects.startDigest(header) : null;
    return writeChecked(target, header, content, size, digest);
  }

  /**
   * All of a bare object's xattrs when any is outside {@code user.}, and a symlink's always (only
   * lsetxattr reaches a symlink's own; the JDK follows links).
   */
  @Override
  public List<Xattr> xattrsLeftToCaller(FileHeader header) {
    boolean left = withOwnership && (header.isSymlink() || XattrBatch.needsNative(header.xattrs()));
    return left ? header.xattrs() : List.of();
  }

  private void checkRepresentable(FileHeader header) {
    if (!withOwnership) {
      if (header.uid() != 0 || header.gid() != 0 || !header.xattrs().isEmpty()) {
        throw new OstreeException(
            "bare-user-only repositories cannot store ownership or xattrs (uid "
                + header.uid()
                + ", gid "
                + header.gid()
                + ", "
                + header.xattrs().size()
                + " xattrs)");
      }
      if (!header.isSymlink() && (header.mode() & ~(FileMode.S_IFREG | 0775)) != 0) {
        throw new OstreeException(
            "bare-user-only repositories cannot store mode 0"
                + Integer.toOctalString(header.mode() & 07777));
      }
    }
  }

  private ObjectId writeChecked(
      Path target, FileHeader header, InputStream content, long size, MessageDigest digest)
      throws IOException {
    if (header.isSymlink()) {
      // its bytes as committed, whatever the locale's encoding
      FileNames.system().createSymbolicLink(target, header.symlinkTarget());
      if (withOwnership) {
        FileAttributes.chown(target, header.uid(), header.gid());
      }
      return digest == null ? null : ObjectId.ofDigest(digest);
    }
    try (OutputStream out =
        new BufferedOutputStream(
            Files.newOutputStream(target, StandardOpenOption.CREATE_NEW), 64 * 1024)) {
      HashingCopy.copy(content, out, size, digest);
    }
    if (withOwnership) {
      FileAttributes.chown(target, header.uid(), header.gid());
      writeUserXattrs(target, header);
    }
    FileAttributes.chmod(target, header.mode());
    FileAttributes.setMtimeZero(target);
    return digest == null ? null : ObjectId.ofDigest(digest);
  }

  @Override
  public void writeBytes(Path target, FileHeader header, byte[] content) throws IOException {
    if (header.isSymlink() || !withOwnership && !header.xattrs().isEmpty()) {
      write(target, header, new java.io.ByteArrayInputStream(content), content.length, false);
      return;
    }
    checkRepresentable(header);
    FastWrite.create(target, content);
    if (withOwnership) {
      FileAttributes.chown(target, header.uid(), header.gid());
      writeUserXattrs(target, header);
    }
    FileAttributes.chmod(target, header.mode());
    FileAttributes.setMtimeZero(target);
  }

  private void writeUserXattrs(Path target, FileHeader header) throws IOException {
    if (xattrsLeftToCaller(header).isEmpty()) {
      FileAttributes.writeUserXattrs(target, header.xattrs());
    }
  }

  @Override
  public String readLimitation() {
    return withOwnership && NativeFs.system().isEmpty()
        ? " (" + NativeFs.unavailableReason() + ": xattrs outside user.* could not be read)"
        : "";
  }

  /** Every namespace when native calls can be made, else the JDK's {@code user.*}. */
  private static List<Xattr> xattrsOf(Path file) throws IOException {
    NativeFs fs = NativeFs.system().orElse(null);
    return fs != null ? fs.xattrs(file) : FileAttributes.readUserXattrs(file);
  }

  @Override
  public ContentObject open(Path file) throws IOException {
    FileAttributes.Stat st = FileAttributes.stat(file);
    int uid = withOwnership ? st.uid() : 0;
    int gid = withOwnership ? st.gid() : 0;
    List<Xattr> xattrs = withOwnership ? xattrsOf(file) : List.of();
    if (FileMode.isSymlink(st.mode())) {
      String target = FileNames.system().readSymbolicLink(file);
      return new ContentObject(
          FileHeader.symlink(uid, gid, target, xattrs), 0, InputStream.nullInputStream());
    }
    FileHeader h = new FileHeader(uid, gid, st.mode(), "", xattrs);
    return new ContentObject(
        h,
        st.size(),
        new BoundedStream(new java.io.BufferedInputStream(Files.newInputStream(file)), st.size()));
  }
}
