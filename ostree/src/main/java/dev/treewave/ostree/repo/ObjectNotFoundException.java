package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;

/** The object is not in the repository. */
public class ObjectNotFoundException extends OstreeException {
  private final ObjectType type;
  private final ObjectId id;

  public ObjectNotFoundException(ObjectType type, ObjectId id) {
    super("No such metadata object " + id.hex() + "." + type.extension());
    this.type = type;
    this.id = id;
  }

  public ObjectType type() {
    return type;
  }

  public ObjectId id() {
    return id;
  }
}
