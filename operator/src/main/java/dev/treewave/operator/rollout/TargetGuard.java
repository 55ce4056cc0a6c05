package dev.treewave.operator.rollout;

import java.time.Instant;

/**
 * No silent downgrade: a ref that now names a commit older than the rollout's current target (a
 * replayed or rolled-back summary, a mistaken push) does not move the rollout unless the spec pins
 * that commit. Pure.
 */
public final class TargetGuard {
  private TargetGuard() {}

  /**
   * @param target what to roll out
   * @param refused why the resolved commit was not taken, or null
   */
  public record Decision(String target, String refused) {}

  /**
   * @param pinned the spec names the commit (a person chose it, older or not)
   * @param current the rollout's current target, or null before the first one
   * @param currentTime its commit timestamp
   * @param resolved what the ref names now
   * @param resolvedTime its commit timestamp
   */
  public static Decision decide(
      boolean pinned, String current, Instant currentTime, String resolved, Instant resolvedTime) {
    if (pinned || current == null || current.equals(resolved)) {
      return new Decision(resolved, null);
    }
    if (currentTime == null || resolvedTime == null) {
      throw new IllegalStateException(
          "cannot tell whether " + resolved + " is newer than the current target " + current);
    }
    if (resolvedTime.isBefore(currentTime)) {
      return new Decision(
          current,
          "the ref now names "
              + resolved
              + " (committed "
              + resolvedTime
              + "), older than the current target "
              + current
              + " (committed "
              + currentTime
              + "); not moving back without spec.source.commit pinning it");
    }
    return new Decision(resolved, null);
  }
}
