package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.gvariant.GVariantType;
import java.util.function.Supplier;

/** Strictly parses metadata bytes of a given type before they are stored or trusted. */
final class MetadataValidator {
  private static final GVariantType VARDICT = GVariantType.parse("a{sv}");

  private MetadataValidator() {}

  static void validate(ObjectType type, ObjectId id, byte[] bytes) {
    parsed(
        type,
        id,
        () ->
            switch (type) {
              case COMMIT -> Commit.parse(bytes);
              case DIR_TREE -> DirTree.parse(bytes);
              case DIR_META -> DirMeta.parseDirectory(bytes);
              case COMMIT_META, TOMBSTONE_COMMIT -> GVariantParser.parse(VARDICT, bytes);
              default -> throw new IllegalArgumentException(type + " is not metadata");
            });
  }

  /** Runs a strict parse of object {@code id}; a malformed one is reported as corrupt. */
  static <T> T parsed(ObjectType type, ObjectId id, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (GVariantFormatException | ClassCastException e) {
      throw new CorruptObjectException(type, id, e.getMessage());
    }
  }
}
