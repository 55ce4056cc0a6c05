package dev.treewave.agent.host;

/**
 * How far a pull has come. Totals are -1 while unknown (before the commit's metadata is in).
 *
 * @param fetchedObjects objects downloaded so far in this pull
 * @param totalObjects objects the pull needs, or -1
 * @param fetchedBytes bytes downloaded so far in this pull
 * @param totalBytes bytes the pull needs, or -1
 */
public record PullProgress(
    long fetchedObjects, long totalObjects, long fetchedBytes, long totalBytes) {

  public static final PullProgress NONE = new PullProgress(0, -1, 0, -1);

  /** Whole percent done by bytes (falling back to objects), or -1 when no total is known. */
  public int percent() {
    if (totalBytes > 0) {
      return (int) Math.min(100, fetchedBytes * 100 / totalBytes);
    }
    if (totalObjects > 0) {
      return (int) Math.min(100, fetchedObjects * 100 / totalObjects);
    }
    return -1;
  }
}
