package dev.treewave.ostree.core;

/** OSTree object types, with ostree's numeric ids and loose-object file extensions. */
public enum ObjectType {
  FILE(1, "file"),
  DIR_TREE(2, "dirtree"),
  DIR_META(3, "dirmeta"),
  COMMIT(4, "commit"),
  TOMBSTONE_COMMIT(5, "tombstone-commit"),
  COMMIT_META(6, "commitmeta"),
  PAYLOAD_LINK(7, "payload-link");

  private final int id;
  private final String extension;

  ObjectType(int id, String extension) {
    this.id = id;
    this.extension = extension;
  }

  public int id() {
    return id;
  }

  public String extension() {
    return extension;
  }

  /** Metadata objects are stored as the plain serialised variant in every repository mode. */
  public boolean isMeta() {
    return id >= 2 && id <= 6;
  }

  /** Whether the object's name is the SHA-256 of its (canonical) bytes. */
  public boolean isContentAddressed() {
    return this == FILE || this == DIR_TREE || this == DIR_META || this == COMMIT;
  }

  public static ObjectType fromId(int id) {
    for (ObjectType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown object type id " + id);
  }

  public static ObjectType fromExtension(String ext) {
    for (ObjectType t : values()) {
      if (t.extension.equals(ext)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown object type '" + ext + "'");
  }
}
