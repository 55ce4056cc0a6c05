package dev.treewave.operator.plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The planner's answer: steps to take now, and everything status needs to explain them.
 *
 * @param waves wave membership (to be recorded in status) and progress
 * @param order how the node order was chosen, in words
 * @param nodeStates each node's state, for counts and metrics
 * @param newFailures failures first seen in this plan (for Events and status.lastFailure)
 * @param waitingFor why no more nodes are being disrupted right now, or null
 * @param wakeAt the next time something changes by itself (a timeout, a pause, a window), or null
 */
public record RolloutPlan(
    Phase phase,
    int currentWave,
    List<PlannedWave> waves,
    String order,
    List<NodeStep> steps,
    Map<String, NodeState> nodeStates,
    Counts counts,
    List<Blocker> blockers,
    List<Blocker> newFailures,
    String waitingFor,
    Instant wakeAt,
    String targetVersion) {

  /** Nothing can be planned yet; says why. */
  public static RolloutPlan pending(int total, String why) {
    return new RolloutPlan(
        Phase.PENDING,
        0,
        List.of(),
        "",
        List.of(),
        Map.of(),
        new Counts(total, 0, 0, 0, 0, 0),
        List.of(),
        List.of(),
        why,
        null,
        null);
  }

  /** Mirrors the API's OSImagePhase. */
  public enum Phase {
    PENDING,
    STAGING,
    ROLLING_OUT,
    PAUSED,
    WAITING_FOR_WINDOW,
    COMPLETED,
    FAILED,
    /** spec.rollback: updated nodes are going back to their previous deployment. */
    ROLLING_BACK,
    /** spec.rollback: every updated node is back. */
    ROLLED_BACK
  }

  /** Per-wave progress. */
  public enum WaveProgress {
    PENDING,
    IN_PROGRESS,
    PAUSED,
    COMPLETED,
    FAILED
  }

  public record PlannedWave(
      int index,
      List<String> nodes,
      WaveProgress progress,
      int updated,
      Instant completedAt,
      Instant pausedUntil) {}

  /**
   * @param staging told to stage, not staged yet (what is downloading now)
   * @param rolledBack sent back to their previous deployment
   */
  public record Counts(
      int total,
      int staged,
      int updating,
      int updated,
      int failed,
      int skipped,
      int staging,
      int rolledBack) {
    public Counts(int total, int staged, int updating, int updated, int failed, int skipped) {
      this(total, staged, updating, updated, failed, skipped, 0, 0);
    }
  }

  /**
   * A PodDisruptionBudget refuses the eviction a node's next step needs, now: budgets and pods are
   * not watched, so only looking again soon notices the budget allowing it.
   */
  public boolean heldByABudget() {
    return blockers.stream().anyMatch(b -> StuckNodes.DRAIN_WOULD_BLOCK.equals(b.reason()));
  }

  /** Blocker reason: onTimeout Force asked of an operator that may not delete pods. */
  public static final String FORCE_DRAIN_DISABLED = "ForceDrainDisabled";

  /**
   * A node that cannot proceed, or failed, with a CamelCase reason.
   *
   * @param since since when the node has been in this situation, or null when unknown
   */
  public record Blocker(String node, String reason, String message, Instant since) {
    public Blocker(String node, String reason, String message) {
      this(node, reason, message, null);
    }
  }
}
