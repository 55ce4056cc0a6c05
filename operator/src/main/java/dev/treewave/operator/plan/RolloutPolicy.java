package dev.treewave.operator.plan;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

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
        f.resumedWave);
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
    }
  }
}
