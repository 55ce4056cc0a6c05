package dev.treewave.ostree.pull;

import java.time.Duration;

/**
 * A snapshot of a running pull. {@code objectsRequested} grows while the tree walk discovers
 * objects, so the ratio to {@code objectsFetched} is an estimate until {@code done}.
 */
public record PullProgress(
    long metadataFetched,
    long contentFetched,
    long objectsRequested,
    long objectsFetched,
    long deltaPartsFetched,
    long deltaPartsTotal,
    long bytesTransferred,
    long contentBytesWritten,
    Duration elapsed,
    boolean done) {

  /** Bytes per second so far. */
  public double bytesPerSecond() {
    double s = Math.max(elapsed.toMillis(), 1) / 1000.0;
    return bytesTransferred / s;
  }

  public double objectsPerSecond() {
    double s = Math.max(elapsed.toMillis(), 1) / 1000.0;
    return objectsFetched / s;
  }
}
