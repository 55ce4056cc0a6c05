package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.FileMode;
import java.util.OptionalInt;

/**
 * How uid, gid and mode read from the source are stored: {@code --owner-uid/--owner-gid} overrides,
 * and canonical permissions (uid = gid = 0, mode masked to 0755 plus the type), which
 * bare-user-only repositories always use.
 */
record OwnershipPolicy(boolean canonical, OptionalInt uid, OptionalInt gid, boolean dropXattrs) {
  /**
   * Whether stored metadata is rewritten, as with a libostree commit modifier: then content taken
   * from an existing commit ({@code --tree=ref=}) goes through the policy too.
   */
  boolean rewritesMetadata() {
    return canonical || uid.isPresent() || gid.isPresent() || dropXattrs;
  }

  java.util.List<dev.treewave.ostree.core.Xattr> xattrs(
      java.util.List<dev.treewave.ostree.core.Xattr> fromSource) {
    return canonical || dropXattrs ? java.util.List.of() : fromSource;
  }

  dev.treewave.ostree.core.FileHeader apply(dev.treewave.ostree.core.FileHeader h) {
    return new dev.treewave.ostree.core.FileHeader(
        uid(h.uid()), gid(h.gid()), mode(h.mode()), h.symlinkTarget(), xattrs(h.xattrs()));
  }

  dev.treewave.ostree.core.DirMeta apply(dev.treewave.ostree.core.DirMeta m) {
    return new dev.treewave.ostree.core.DirMeta(
        uid(m.uid()), gid(m.gid()), mode(m.mode()), xattrs(m.xattrs()));
  }

  int uid(int fromSource) {
    return canonical ? 0 : uid.orElse(fromSource);
  }

  int gid(int fromSource) {
    return canonical ? 0 : gid.orElse(fromSource);
  }

  int mode(int fromSource) {
    if (!canonical || FileMode.isSymlink(fromSource)) {
      return fromSource;
    }
    return (fromSource & FileMode.S_IFMT) | (fromSource & 0755);
  }
}
