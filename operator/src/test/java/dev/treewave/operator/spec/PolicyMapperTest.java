package dev.treewave.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.api.v1alpha1.DrainSpec;
import dev.treewave.api.v1alpha1.DrainTimeoutAction;
import dev.treewave.api.v1alpha1.FailureAction;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.MaintenanceWindow;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.Pause;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.StuckNodeAction;
import dev.treewave.api.v1alpha1.StuckNodePolicy;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.api.v1alpha1.Weekday;
import dev.treewave.operator.plan.Quantity;
import dev.treewave.operator.plan.RolloutPolicy;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyMapperTest {

  private static OSImage image(Rollout rollout, List<MaintenanceWindow> windows) {
    return new OSImage(
        "img",
        new OSImageSpec(
            "fedora",
            new ImageSource("https://r", "ref", null),
            new Verification(VerificationMode.Disabled, null),
            null,
            rollout,
            new DrainSpec("90s", null, null, null, null, DrainTimeoutAction.Force),
            null,
            new FailurePolicy(FailureAction.Rollback, 2),
            true,
            windows,
            null,
            null));
  }

  @Test
  void defaultsMatchTheCrd() {
    RolloutPolicy p = PolicyMapper.toPolicy(image(null, null));
    assertThat(p.waves()).hasSize(1);
    assertThat(p.waves().get(0).nodes()).isEqualTo(Quantity.count(1));
    assertThat(p.maxUnavailable()).isEqualTo(Quantity.count(1));
    assertThat(p.prefetch()).isTrue();
    assertThat(p.healthTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(p.stablePeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.drainTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(p.forceDrainOnTimeout()).isTrue();
    assertThat(p.rollbackOnFailure()).isTrue();
    assertThat(p.maxFailedNodes()).isEqualTo(2);
    assertThat(p.stageTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(p.agentSilence()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.skipStuck()).as("Stop by default").isFalse();
    assertThat(p.retry().requested()).isFalse();
    assertThat(p.paused()).isTrue();
    assertThat(p.resumedWave()).isEqualTo(-1);
  }

  @Test
  void mapsWavesPausesAndWindows() {
    Rollout rollout =
        new Rollout(
            List.of(
                Wave.of(1).withPause(Pause.untilResumedByHand()),
                Wave.of("25%")
                    .withMaxUnavailable(new IntOrString("50%"))
                    .withPause(Pause.of("1h30m"))),
            null,
            new IntOrString("10%"),
            false,
            null);
    OSImage image =
        image(
            rollout,
            List.of(new MaintenanceWindow(List.of(Weekday.Sat), "22:00", "4h", "Europe/Berlin")));
    image.getMetadata().setAnnotations(Map.of(OSImage.RESUME_WAVE_ANNOTATION, "1"));

    RolloutPolicy p = PolicyMapper.toPolicy(image);

    assertThat(p.waves().get(0).pauseAfter().untilResumed()).isTrue();
    assertThat(p.waves().get(1).nodes()).isEqualTo(Quantity.percent(25));
    assertThat(p.waves().get(1).maxUnavailable()).isEqualTo(Quantity.percent(50));
    assertThat(p.waves().get(1).pauseAfter().duration()).isEqualTo(Duration.ofMinutes(90));
    assertThat(p.maxUnavailable()).isEqualTo(Quantity.percent(10));
    assertThat(p.prefetch()).isFalse();
    assertThat(p.resumedWave()).isEqualTo(1);
    assertThat(p.windows().isOpen(Instant.parse("2026-03-07T22:00:00Z"))).isTrue();
    assertThat(p.windows().isOpen(Instant.parse("2026-03-07T20:00:00Z"))).isFalse();
  }

  @Test
  void whatTheSchemaCannotCheckFailsWithTheField() {
    assertThatThrownBy(
            () ->
                PolicyMapper.toPolicy(
                    image(
                        null,
                        List.of(
                            new MaintenanceWindow(
                                List.of(Weekday.Mon), "02:00", "1h", "Mars/Olympus")))))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.maintenanceWindows[0]");
    OSImage badResume = image(null, null);
    badResume.getMetadata().setAnnotations(Map.of(OSImage.RESUME_WAVE_ANNOTATION, "next"));
    assertThatThrownBy(() -> PolicyMapper.toPolicy(badResume))
        .hasMessageContaining("treewave.dev/resume-wave")
        .hasMessageContaining("\"next\"");
    Rollout zero = new Rollout(null, null, new IntOrString(0), null, null);
    assertThatThrownBy(() -> PolicyMapper.toPolicy(image(zero, null)))
        .hasMessageContaining("spec.rollout.maxUnavailable");
  }

  @Test
  void goDurations() {
    assertThat(GoDuration.parse("f", "1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("f", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("f", "0s")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> GoDuration.parse("f", "10 m")).hasMessageContaining("f: \"10 m\"");
    assertThatThrownBy(() -> GoDuration.parse("f", "m10")).isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void stuckNodePolicyAndTheRetryAnnotation() {
    OSImage image = image(null, null);
    OSImageSpec spec = image.getSpec();
    image.setSpec(
        new OSImageSpec(
            spec.osName(),
            spec.source(),
            spec.verification(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            new StuckNodePolicy("90s", "45s", StuckNodeAction.Skip)));
    image.getMetadata().setAnnotations(Map.of(OSImage.RETRY_ANNOTATION, " node-a, node-b "));

    RolloutPolicy p = PolicyMapper.toPolicy(image);

    assertThat(p.stageTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(p.agentSilence()).isEqualTo(Duration.ofSeconds(45));
    assertThat(p.skipStuck()).isTrue();
    assertThat(p.retry().all()).isFalse();
    assertThat(p.retry().nodes()).containsExactlyInAnyOrder("node-a", "node-b");

    image.getMetadata().setAnnotations(Map.of(OSImage.RETRY_ANNOTATION, "all"));
    assertThat(PolicyMapper.toPolicy(image).retry().all()).isTrue();
  }

  @Test
  void abortAnnotationCarriesItsReasonOnOneBoundedLine() {
    OSImage image = image(null, null);
    assertThat(PolicyMapper.toPolicy(image).aborted()).isFalse();

    image.getMetadata().setAnnotations(Map.of(OSImage.ABORT_ANNOTATION, ""));
    assertThat(PolicyMapper.toPolicy(image).abortReason()).isEqualTo("no reason given");

    image.getMetadata().setAnnotations(Map.of(OSImage.ABORT_ANNOTATION, " kernel\n panics "));
    assertThat(PolicyMapper.toPolicy(image).abortReason()).isEqualTo("kernel panics");

    image.getMetadata().setAnnotations(Map.of(OSImage.ABORT_ANNOTATION, "x".repeat(10_000)));
    assertThat(PolicyMapper.toPolicy(image).abortReason()).hasSize(203);
  }
}
