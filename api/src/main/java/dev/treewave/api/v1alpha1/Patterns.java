package dev.treewave.api.v1alpha1;

/** Schema patterns shared by the records, so the CRD and the Java parsers agree. */
public final class Patterns {
  /** An OSTree commit checksum: SHA-256, lower-case hex. */
  public static final String COMMIT = "^[0-9a-f]{64}$";

  /** A stateroot name (directory under /ostree/deploy). */
  public static final String OS_NAME = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$";

  /** An OSTree ref: slash-separated segments, no "..", no leading or trailing slash. */
  public static final String REF = "^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$";

  /** A Go-style duration as kubectl users write it: 90s, 10m, 1h30m. */
  public static final String DURATION = "^([0-9]{1,6}(h|m|s|ms))+$";

  /** Wall-clock time of day, 24-hour. */
  public static final String TIME_OF_DAY = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

  /** A percentage from 1% to 100%. */
  public static final String PERCENT = "^([1-9][0-9]?|100)%$";

  public static final String COUNT_OR_PERCENT_MESSAGE =
      "must be a node count of at least 1 or a percentage from 1% to 100%";

  private Patterns() {}
}
