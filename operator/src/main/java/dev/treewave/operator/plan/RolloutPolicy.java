package dev.treewave.operator.plan;

import java.time.Duration;
import java.util.List;

/**
 * The spec's rules, already parsed and defaulted.
 *
 * @param waves the waves in order; nodes beyond them form one more wave
 * @param maxUnavailable the most targeted nodes unavailable at once, for any reason
 * @param prefetch stage on every targeted node before the first disruption
 * @param resumedWave the highest wave index whose preceding untilResumed pause a person lifted, -1
 *     for none
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
    int resumedWave) {

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
        -1);
  }

  public RolloutPolicy withWaves(List<WaveRule> w) {
    return new RolloutPolicy(
        w,
        maxUnavailable,
        prefetch,
        drainTimeout,
        forceDrainOnTimeout,
        healthTimeout,
        stablePeriod,
        rollbackOnFailure,
        maxFailedNodes,
        paused,
        windows,
        resumedWave);
  }

  public RolloutPolicy withMaxUnavailable(Quantity q) {
    return new RolloutPolicy(
        waves,
        q,
        prefetch,
        drainTimeout,
        forceDrainOnTimeout,
        healthTimeout,
        stablePeriod,
        rollbackOnFailure,
        maxFailedNodes,
        paused,
        windows,
        resumedWave);
  }

  public RolloutPolicy withPrefetch(boolean p) {
    return new RolloutPolicy(
        waves,
        maxUnavailable,
        p,
        drainTimeout,
        forceDrainOnTimeout,
        healthTimeout,
        stablePeriod,
        rollbackOnFailure,
        maxFailedNodes,
        paused,
        windows,
        resumedWave);
  }

  public RolloutPolicy withDrain(Duration timeout, boolean force) {
    return new RolloutPolicy(
        waves,
        maxUnavailable,
        prefetch,
        timeout,
        force,
        healthTimeout,
        stablePeriod,
        rollbackOnFailure,
        maxFailedNodes,
        paused,
        windows,
        resumedWave);
  }

  public RolloutPolicy withHealth(Duration timeout, Duration stable) {
    return new RolloutPolicy(
        waves,
        maxUnavailable,
        prefetch,
        drainTimeout,
        forceDrainOnTimeout,
        timeout,
        stable,
        rollbackOnFailure,
        maxFailedNodes,
        paused,
        windows,
        resumedWave);
  }

  public RolloutPolicy withFailurePolicy(boolean rollback, int maxFailed) {
    return new RolloutPolicy(
        waves,
        maxUnavailable,
        prefetch,
        drainTimeout,
        forceDrainOnTimeout,
        healthTimeout,
        stablePeriod,
        rollback,
        maxFailed,
        paused,
        windows,
        resumedWave);
  }

  public RolloutPolicy withPaused(boolean p) {
    return new RolloutPolicy(
        waves,
        maxUnavailable,
        prefetch,
        drainTimeout,
        forceDrainOnTimeout,
        healthTimeout,
        stablePeriod,
        rollbackOnFailure,
        maxFailedNodes,
        p,
        windows,
        resumedWave);
  }

  public RolloutPolicy withWindows(MaintenanceWindows w) {
    return new RolloutPolicy(
        waves,
        maxUnavailable,
        prefetch,
        drainTimeout,
        forceDrainOnTimeout,
        healthTimeout,
        stablePeriod,
        rollbackOnFailure,
        maxFailedNodes,
        paused,
        w,
        resumedWave);
  }

  public RolloutPolicy withResumedWave(int r) {
    return new RolloutPolicy(
        waves,
        maxUnavailable,
        prefetch,
        drainTimeout,
        forceDrainOnTimeout,
        healthTimeout,
        stablePeriod,
        rollbackOnFailure,
        maxFailedNodes,
        paused,
        windows,
        r);
  }
}
