package dev.treewave.ostree.repo;

/** How a repository stores content objects (ostree's {@code core.mode}). */
public enum RepoMode {
  /** Real files with real ownership, mode and xattrs; needs root to write. */
  BARE("bare"),
  /** Real files owned by the writer; ownership, mode and xattrs in {@code user.ostreemeta}. */
  BARE_USER("bare-user"),
  /** Real files, no ownership or xattrs at all (uid = gid = 0 assumed). */
  BARE_USER_ONLY("bare-user-only"),
  /** Compressed {@code .filez} objects, the mode served over HTTP. */
  ARCHIVE("archive-z2");

  private final String configName;

  RepoMode(String configName) {
    this.configName = configName;
  }

  /** The value written to {@code core.mode}. */
  public String configName() {
    return configName;
  }

  public boolean isBare() {
    return this != ARCHIVE;
  }

  /** Parses a {@code core.mode} / {@code --mode=} value as ostree does. */
  public static RepoMode parse(String s) {
    return switch (s) {
      case "bare" -> BARE;
      case "bare-user" -> BARE_USER;
      case "bare-user-only" -> BARE_USER_ONLY;
      case "archive", "archive-z2" -> ARCHIVE;
      default -> throw new OstreeException("Invalid mode '" + s + "' in repository configuration");
    };
  }
}
