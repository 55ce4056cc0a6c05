package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import java.nio.file.Path;

/** Loose-object naming: {@code XX/YYYY….ext}, with {@code .filez} for content in archive mode. */
final class ObjectPaths {
  private ObjectPaths() {}

  static String relative(ObjectType type, ObjectId id, RepoMode mode) {
    String hex = id.hex();
    String ext = type.extension();
    if (type == ObjectType.FILE && mode == RepoMode.ARCHIVE) {
      ext = "filez";
    }
    return hex.substring(0, 2) + "/" + hex.substring(2) + "." + ext;
  }

  static Path under(Path dir, ObjectType type, ObjectId id, RepoMode mode) {
    return dir.resolve(relative(type, id, mode));
  }
}
