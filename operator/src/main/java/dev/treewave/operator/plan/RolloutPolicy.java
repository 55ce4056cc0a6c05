package dev.treewave.operator.plan;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The spec's rules, already parsed and defaulted.
 *
 * @param waves the waves in order; nodes beyond them form one more wave
 * @param maxUnavailable the most targeted nodes unavailable at once, for any reason
 * @param prefetch stage on every targeted node before the first disruption
 * @param resumedWave the highest wave index whose preceding untilResumed pause a person lifted, -1
 *     for none
 * @param stageTimeout from the Stage instruction until the node must have staged
 * @param agentSilence an agent that has not reported for this long is silent (stuck)
 * @param skipStuck a stuck node is skipped (true) or stops the rollout (false)
 * @param retry nodes a person asked to retry (annotation), or {@link Retry#NONE}
 * @param maxConcurrentStaging the most targeted nodes told to stage at one time, or null for no
 *     limit
 * @param rollbackAll a person asked to send every updated node back to its previous deployment
 * @param forceDeleteAllowed the operator may delete pods (the chart's
 *     operator.drain.allowForceDelete, which also grants it); without it a {@code Force} drain
 *     timeout keeps evicting and names the node instead of deleting
 * @param abortReason a person aborted the rollout (the OSImage's abort annotation, with their
 *     words), or null: no node is cordoned, staged or activated any more and nodes not yet told to
 *     activate are released; nodes already rebooting finish
 */
public record RolloutPolicy(
    List<WaveRule> waves,
    Quantity maxUnavailable,
    boolean prefetch,
    Duration drainTimeout,
    boolean forceDrainOnTimeout,
    Duration healthTimeout,
    Duration stablePeriod,
    boolean rollbackOnFailure,
    int maxFailedNodes,
    boolean paused,
    MaintenanceWindows windows,
    int resumedWave,
    Duration stageTimeout,
    Duration agentSilence,
    boolean skipStuck,
    Retry retry,
    Quantity maxConcurrentStaging,
    boolean rollbackAll,
    boolean forceDeleteAllowed,
    String abortReason) {

  /** Failed, skipped or stuck nodes to retry: {@code all} of them, or those named. */
  public record Retry(boolean all, Set<String> nodes) {
    public static final Retry NONE = new Retry(false, Set.of());

    public Retry {
      nodes = Set.copyOf(nodes);
    }

    public boolean requested() {
      return all || !nodes.isEmpty();
    }

    public boolean covers(String node) {
      return all || nodes.contains(node);
    }
  }

  public RolloutPolicy {
    waves = List.copyOf(waves);
    if (waves.isEmpty()) {
      throw new IllegalArgumentException("a rollout needs at least one wave");
    }
  }

  /** Defaults matching the CRD: canary of 1, then the rest one at a time. */
  public static RolloutPolicy defaults() {
    return new RolloutPolicy(
        List.of(WaveRule.of(Quantity.count(1))),
        Quantity.count(1),
        true,
        Duration.ofMinutes(10),
        false,
        Duration.ofMinutes(15),
        Duration.ofSeconds(30),
        false,
        0,
        false,
        MaintenanceWindows.ALWAYS,
        -1,
        Duration.ofMinutes(30),
        Duration.ofMinutes(10),
        false,
        Retry.NONE,
        null,
        false,
        false,
        null);
  }

  public RolloutPolicy withWaves(List<WaveRule> w) {
    return copy(c -> c.waves = w);
  }

  public RolloutPolicy withMaxUnavailable(Quantity q) {
    return copy(c -> c.maxUnavailable = q);
  }

  public RolloutPolicy withPrefetch(boolean p) {
    return copy(c -> c.prefetch = p);
  }

  public RolloutPolicy withDrain(Duration timeout, boolean force) {
    return copy(
        c -> {
          c.drainTimeout = timeout;
          c.forceDrainOnTimeout = force;
        });
  }

  public RolloutPolicy withHealth(Duration timeout, Duration stable) {
    return copy(
        c -> {
          c.healthTimeout = timeout;
          c.stablePeriod = stable;
        });
  }

  public RolloutPolicy withFailurePolicy(boolean rollback, int maxFailed) {
    return copy(
        c -> {
          c.rollbackOnFailure = rollback;
          c.maxFailedNodes = maxFailed;
        });
  }

  public RolloutPolicy withPaused(boolean p) {
    return copy(c -> c.paused = p);
  }

  public RolloutPolicy withWindows(MaintenanceWindows w) {
    return copy(c -> c.windows = w);
  }

  public RolloutPolicy withResumedWave(int r) {
    return copy(c -> c.resumedWave = r);
  }

  public RolloutPolicy withStuckNodes(Duration stage, Duration silence, boolean skip) {
    return copy(
        c -> {
          c.stageTimeout = stage;
          c.agentSilence = silence;
          c.skipStuck = skip;
        });
  }

  public RolloutPolicy withRetry(Retry r) {
    return copy(c -> c.retry = r);
  }

  public RolloutPolicy withMaxConcurrentStaging(Quantity q) {
    return copy(c -> c.maxConcurrentStaging = q);
  }

  public RolloutPolicy withRollbackAll(boolean r) {
    return copy(c -> c.rollbackAll = r);
  }

  public RolloutPolicy withForceDeleteAllowed(boolean allowed) {
    return copy(c -> c.forceDeleteAllowed = allowed);
  }

  public RolloutPolicy withAbortReason(String reason) {
    return copy(c -> c.abortReason = reason);
  }

  public boolean aborted() {
    return abortReason != null;
  }

  /**
   * This policy with the fields {@code change} sets replaced; the one place that lists every
   * component, so adding one touches a single constructor call and the compact constructor still
   * validates every copy.
   */
  private RolloutPolicy copy(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new RolloutPolicy(
        f.waves,
        f.maxUnavailable,
        f.prefetch,
        f.drainTimeout,
        f.forceDrainOnTimeout,
        f.healthTimeout,
        f.stablePeriod,
        f.rollbackOnFailure,
        f.maxFailedNodes,
        f.paused,
        f.windows,
        f.resumedWave,
        f.stageTimeout,
        f.agentSilence,
        f.skipStuck,
        f.retry,
        f.maxConcurrentStaging,
        f.rollbackAll,
        f.forceDeleteAllowed,
        f.abortReason);
  }

  /** A mutable scratch copy of the components, alive only inside {@link #copy}. */
  private static final class Fields {
    List<WaveRule> waves;
    Quantity maxUnavailable;
    boolean prefetch;
    Duration drainTimeout;
    boolean forceDrainOnTimeout;
    Duration healthTimeout;
    Duration stablePeriod;
    boolean rollbackOnFailure;
    int maxFailedNodes;
    boolean paused;
    MaintenanceWindows windows;
    int resumedWave;
    Duration stageTimeout;
    Duration agentSilence;
    boolean skipStuck;
    Retry retry;
    Quantity maxConcurrentStaging;
    boolean rollbackAll;
    boolean forceDeleteAllowed;
    String abortReason;

    Fields(RolloutPolicy p) {
      waves = p.waves;
      maxUnavailable = p.maxUnavailable;
      prefetch = p.prefetch;
      drainTimeout = p.drainTimeout;
      forceDrainOnTimeout = p.forceDrainOnTimeout;
      healthTimeout = p.healthTimeout;
      stablePeriod = p.stablePeriod;
      rollbackOnFailure = p.rollbackOnFailure;
      maxFailedNodes = p.maxFailedNodes;
      paused = p.paused;
      windows = p.windows;
      resumedWave = p.resumedWave;
      stageTimeout = p.stageTimeout;
      agentSilence = p.agentSilence;
      skipStuck = p.skipStuck;
      retry = p.retry;
      maxConcurrentStaging = p.maxConcurrentStaging;
      rollbackAll = p.rollbackAll;
      forceDeleteAllowed = p.forceDeleteAllowed;
      abortReason = p.abortReason;
    }
  }
}
