package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.repo.FileAttributes;
import dev.treewave.ostree.repo.NativeFs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a directory scan gets an entry's xattrs. {@code relative} is the entry's path in the commit
 * ("" for the root, "/usr/bin/ping" below it).
 */
interface XattrSource {
  /** Xattrs are not committed (canonical permissions, {@code --no-xattrs}, bare-user-only). */
  XattrSource NONE = (file, relative) -> List.of();

  /** Only {@code user.*}, through the JDK, which cannot read a symlink's xattrs at all. */
  XattrSource USER_ONLY =
      new XattrSource() {
        @Override
        public List<Xattr> of(Path file, String relative) throws IOException {
          return FileAttributes.readUserXattrs(file);
        }

        @Override
        public List<Xattr> ofSymlink(Path link, String relative) {
          return List.of();
        }
      };

  /** Every namespace, a symlink's own included, read natively; any thread may ask. */
  static XattrSource everyNamespace(NativeFs fs) {
    return new XattrSource() {
      @Override
      public List<Xattr> of(Path file, String relative) {
        return fs.xattrs(file);
      }

      @Override
      public List<Xattr> ofSymlink(Path link, String relative) {
        return fs.xattrs(link);
      }
    };
  }

  List<Xattr> of(Path file, String relative) throws IOException;

  default List<Xattr> ofSymlink(Path link, String relative) {
    return List.of();
  }
}
