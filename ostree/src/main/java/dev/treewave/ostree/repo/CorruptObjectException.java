package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;

/** An object's bytes do not match its name, or cannot be parsed. */
public class CorruptObjectException extends OstreeException {
  private final ObjectId id;
  private final ObjectType type;

  public CorruptObjectException(ObjectType type, ObjectId id, String why) {
    super("Corrupted " + type.extension() + " object " + id.hex() + ": " + why);
    this.id = id;
    this.type = type;
  }

  public ObjectId id() {
    return id;
  }

  public ObjectType type() {
    return type;
  }
}
