package dev.treewave.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.operator.plan.RolloutPlan;
import dev.treewave.operator.plan.RolloutPlan.Blocker;
import dev.treewave.operator.plan.RolloutPlan.Counts;
import dev.treewave.operator.plan.RolloutPlan.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
  private static final String T = "c".repeat(64);
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  private static OSImage image(long generation) {
    OSImage image =
        new OSImage(
            "img",
            new OSImageSpec(
                "fedora",
                new ImageSource("https://r", "ref", T),
                new Verification(VerificationMode.Disabled, null),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
    image.getMetadata().setGeneration(generation);
    return image;
  }

  private static RolloutPlan plan(
      Phase phase, Counts counts, List<Blocker> blockers, String waiting) {
    return new RolloutPlan(
        phase, 0, List.of(), "order", List.of(), Map.of(), counts, blockers, List.of(), waiting,
        null, "41");
  }

  private static Condition get(OSImageStatus s, String type) {
    return s.conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void rollingOutIsReconcilingNotReady() {
    OSImageStatus s =
        StatusAggregator.fromPlan(
            image(3),
            T,
            plan(Phase.ROLLING_OUT, new Counts(4, 1, 1, 2, 0, 0), List.of(), null),
            List.of(),
            T0);
    assertThat(s.phase()).isEqualTo(OSImagePhase.RollingOut);
    assertThat(get(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(get(s, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(get(s, "Stalled").getStatus()).isEqualTo("False");
    assertThat(get(s, "Reconciling").getMessage()).contains("2/4 nodes updated");
    assertThat(s.observedGeneration()).isEqualTo(3);
    assertThat(s.conditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3));
  }

  @Test
  void keepsTransitionTimeUntilTheStatusFlips() {
    OSImage image = image(1);
    OSImageStatus first =
        StatusAggregator.fromPlan(
            image,
            T,
            plan(Phase.ROLLING_OUT, new Counts(2, 0, 1, 1, 0, 0), List.of(), null),
            List.of(),
            T0);
    image.setStatus(first);
    OSImageStatus same =
        StatusAggregator.fromPlan(
            image,
            T,
            plan(Phase.ROLLING_OUT, new Counts(2, 0, 1, 1, 0, 0), List.of(), null),
            List.of(),
            T0.plusSeconds(60));
    assertThat(same).isEqualTo(first);
    image.setStatus(same);
    OSImageStatus done =
        StatusAggregator.fromPlan(
            image,
            T,
            plan(Phase.COMPLETED, new Counts(2, 0, 0, 2, 0, 0), List.of(), null),
            List.of(),
            T0.plusSeconds(120));
    assertThat(get(done, "Ready").getStatus()).isEqualTo("True");
    assertThat(get(done, "Ready").getLastTransitionTime())
        .isEqualTo(T0.plusSeconds(120).toString());
    assertThat(get(done, "Stalled").getLastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  void aForceDrainTheOperatorMayNotDoIsStalledNeedsAttentionAndNamesTheNode() {
    Blocker forbidden =
        new Blocker(
            "n2",
            RolloutPlan.FORCE_DRAIN_DISABLED,
            "set operator.drain.allowForceDelete=true",
            T0.minusSeconds(600));
    OSImageStatus s =
        StatusAggregator.fromPlan(
            image(1),
            T,
            plan(Phase.ROLLING_OUT, new Counts(3, 1, 0, 1, 0, 0), List.of(forbidden), null),
            List.of(),
            T0);
    assertThat(get(s, "Stalled").getStatus()).isEqualTo("True");
    assertThat(get(s, "Stalled").getReason()).isEqualTo("NeedsAttention");
    assertThat(get(s, "Stalled").getMessage())
        .contains("n2")
        .contains("operator.drain.allowForceDelete=true");
    assertThat(s.blockers())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.node()).isEqualTo("n2");
              assertThat(b.reason()).isEqualTo("ForceDrainDisabled");
            });
  }

  @Test
  void failedIsStalledAndDegraded() {
    OSImageStatus s =
        StatusAggregator.fromPlan(
            image(1),
            T,
            plan(
                Phase.FAILED,
                new Counts(3, 0, 0, 0, 1, 0),
                List.of(new Blocker("n1", "NoRollbackDeployment", "no previous deployment")),
                "stopped"),
            List.of("n9 (held by other)"),
            T0);
    assertThat(get(s, "Stalled").getStatus()).isEqualTo("True");
    assertThat(get(s, "Stalled").getReason()).isEqualTo("FailurePolicy");
    assertThat(get(s, "Degraded").getMessage())
        .contains("1 failed")
        .contains("NoRollbackDeployment");
    assertThat(get(s, "Conflict").getStatus()).isEqualTo("True");
    assertThat(s.blockers())
        .singleElement()
        .satisfies(b -> assertThat(b.time()).isEqualTo(T0.toString()));
  }

  @Test
  void pausedSaysWhyAndHowToResume() {
    String why =
        "pause after wave 0; resume with: kubectl annotate osimage <name> treewave.dev/resume-wave=1 --overwrite";
    OSImageStatus s =
        StatusAggregator.fromPlan(
            image(1),
            T,
            plan(Phase.PAUSED, new Counts(3, 0, 0, 1, 0, 0), List.of(), why),
            List.of(),
            T0);
    assertThat(get(s, "Paused").getStatus()).isEqualTo("True");
    assertThat(get(s, "Paused").getReason()).isEqualTo("WavePause");
    assertThat(get(s, "Paused").getMessage()).contains("resume-wave=1");
    assertThat(get(s, "Reconciling").getStatus()).isEqualTo("False");
  }

  @Test
  void aStuckNodeIsStalledStuckNodeAndItsBlockerKeepsSinceAndFirstSeen() {
    OSImage image = image(1);
    Instant since = T0.minusSeconds(600);
    Blocker silent = new Blocker("n1", "AgentSilent", "no report", since);
    OSImageStatus first =
        StatusAggregator.fromPlan(
            image,
            T,
            plan(Phase.FAILED, new Counts(2, 1, 0, 0, 0, 0), List.of(silent), "stuck: n1"),
            List.of(),
            T0);
    assertThat(get(first, "Stalled").getReason()).isEqualTo("StuckNode");
    assertThat(first.blockers())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.since()).isEqualTo(since.toString());
              assertThat(b.time()).isEqualTo(T0.toString());
            });

    // Later the node is listed from its recorded outcome, without a since: both times stay.
    image.setStatus(first);
    OSImageStatus later =
        StatusAggregator.fromPlan(
            image,
            T,
            plan(
                Phase.COMPLETED,
                new Counts(2, 0, 0, 1, 0, 1),
                List.of(new Blocker("n1", "AgentSilent", "skipped: no report", null)),
                null),
            List.of(),
            T0.plusSeconds(60));
    assertThat(later.blockers())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.since()).isEqualTo(since.toString());
              assertThat(b.time()).isEqualTo(T0.toString());
            });
  }

  @Test
  void aFailedReconcileSaysWhyAndKeepsTheRestOfTheStatus() {
    OSImage image = image(2);
    image.setStatus(
        StatusAggregator.fromPlan(
            image,
            T,
            plan(Phase.ROLLING_OUT, new Counts(4, 1, 1, 2, 0, 0), List.of(), null),
            List.of(),
            T0));

    OSImageStatus s =
        StatusAggregator.reconcileFailed(
            image, "Forbidden: nodes \"n-01\" is forbidden", T0.plusSeconds(5));

    assertThat(s.phase()).isEqualTo(OSImagePhase.RollingOut);
    assertThat(s.nodes()).isEqualTo(image.getStatus().nodes());
    assertThat(get(s, "Reconciling").getReason()).isEqualTo("ReconcileError");
    assertThat(get(s, "Reconciling").getMessage())
        .isEqualTo(
            "the last reconcile failed and is retried: Forbidden: nodes \"n-01\" is forbidden");
    assertThat(get(s, "Ready")).isEqualTo(get(image.getStatus(), "Ready"));
    assertThat(get(s, "Stalled")).isEqualTo(get(image.getStatus(), "Stalled"));
    assertThat(s.conditions()).extracting(Condition::getType).doesNotHaveDuplicates();
  }
}
