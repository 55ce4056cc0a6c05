package dev.treewave.operator.plan;

import java.time.Duration;

/**
 * One wave as the spec describes it.
 *
 * @param nodes how many nodes (percentages of all targeted nodes)
 * @param maxUnavailable how many of them at once (percentages of the wave), null for the rollout's
 *     budget
 * @param pauseAfter null for no pause
 */
public record WaveRule(Quantity nodes, Quantity maxUnavailable, PauseRule pauseAfter) {

  public static WaveRule of(Quantity nodes) {
    return new WaveRule(nodes, null, null);
  }

  /** A pause between waves: timed, or until a person resumes it. */
  public record PauseRule(Duration duration) {
    public static final PauseRule UNTIL_RESUMED = new PauseRule(null);

    public boolean untilResumed() {
      return duration == null;
    }
  }
}
