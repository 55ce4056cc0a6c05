package dev.treewave.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TargetGuardTest {
  private static final String OLD = "1".repeat(64);
  private static final String NEW = "2".repeat(64);
  private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2026-02-01T00:00:00Z");

  @Test
  void aRefMovedToAnOlderCommitKeepsTheCurrentTargetAndSaysWhy() {
    TargetGuard.Decision d = TargetGuard.decide(false, NEW, T2, OLD, T1);
    assertThat(d.target()).isEqualTo(NEW);
    assertThat(d.refused()).contains(OLD).contains("older").contains("spec.source.commit");
  }

  @Test
  void aNewerCommitIsTaken() {
    TargetGuard.Decision d = TargetGuard.decide(false, OLD, T1, NEW, T2);
    assertThat(d.target()).isEqualTo(NEW);
    assertThat(d.refused()).isNull();
  }

  @Test
  void aPinnedOlderCommitIsTakenBecauseAPersonChoseIt() {
    assertThat(TargetGuard.decide(true, NEW, T2, OLD, T1).target()).isEqualTo(OLD);
  }

  @Test
  void theFirstTargetAndAnUnchangedOneNeedNoTimes() {
    assertThat(TargetGuard.decide(false, null, null, NEW, null).target()).isEqualTo(NEW);
    assertThat(TargetGuard.decide(false, NEW, null, NEW, null).refused()).isNull();
  }

  @Test
  void unknownTimesNeverMoveTheRollout() {
    assertThatThrownBy(() -> TargetGuard.decide(false, OLD, null, NEW, T2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot tell");
  }
}
