package dev.treewave.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.WaveState;
import dev.treewave.api.v1alpha1.WaveStatus;
import dev.treewave.operator.plan.FrozenWave;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrozenWavesTest {
  private static final String V1 = "1".repeat(64);
  private static final String V2 = "2".repeat(64);
  private static final String DONE = "2026-03-02T10:00:00Z";

  private static OSImageStatus status(OSImagePhase phase) {
    return new OSImageStatus(
        1L,
        phase,
        V2,
        null,
        1,
        null,
        List.of(
            new WaveStatus(0, List.of("node-00"), WaveState.Completed, 1, DONE, null),
            new WaveStatus(1, List.of("node-01", "node-02"), WaveState.InProgress, 0, null, null)),
        null,
        null,
        null,
        null);
  }

  @Test
  void theSameTargetKeepsMembershipAndCompletionTimes() {
    assertThat(RolloutService.frozenWaves(status(OSImagePhase.RollingOut), V2))
        .containsExactly(
            new FrozenWave(0, List.of("node-00"), Instant.parse(DONE)),
            new FrozenWave(1, List.of("node-01", "node-02"), null));
  }

  @Test
  void aNewTargetMidRolloutKeepsMembershipButEveryWaveCompletesAnew() {
    assertThat(RolloutService.retargetedMidRollout(status(OSImagePhase.RollingOut), V1)).isTrue();
    assertThat(RolloutService.frozenWaves(status(OSImagePhase.RollingOut), V1))
        .containsExactly(
            new FrozenWave(0, List.of("node-00"), null),
            new FrozenWave(1, List.of("node-01", "node-02"), null));
  }

  @Test
  void aNewTargetAfterACompletedRolloutStartsFromFreshWaves() {
    assertThat(RolloutService.retargetedMidRollout(status(OSImagePhase.Completed), V1)).isFalse();
    assertThat(RolloutService.frozenWaves(status(OSImagePhase.Completed), V1)).isEmpty();
  }
}
