package dev.treewave.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.BootedDeployment;
import dev.treewave.api.v1alpha1.NodeCounts;
import dev.treewave.api.v1alpha1.NodeIssue;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.api.v1alpha1.WaveState;
import dev.treewave.api.v1alpha1.WaveStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusViewTest {
  private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
  private static final String V2 = "2".repeat(64);

  @Test
  void oneScreenSaysWhatTheRolloutWaitsForAndWhoBlocksIt() {
    OSImage image = new OSImage("fleet", null);
    image
        .getMetadata()
        .setAnnotations(Map.of(OSImage.ABORT_ANNOTATION, "INC-7: canary does not boot"));
    image.setStatus(
        new OSImageStatus(
            3L,
            OSImagePhase.Paused,
            V2,
            "41.2",
            1,
            new NodeCounts(3, 0, 1, 1, 0, 0, 0, 0),
            List.of(
                new WaveStatus(0, List.of("n-0"), WaveState.Completed, 1, null, null),
                new WaveStatus(1, List.of("n-1", "n-2"), WaveState.InProgress, 0, null, null)),
            "by name",
            List.of(
                new NodeIssue(
                    "n-1",
                    "DrainBlocked",
                    "PodDisruptionBudget apps/web allows 0 disruptions",
                    "2026-12-07T02:59:00Z",
                    "2026-12-07T02:50:00Z")),
            null,
            List.of(
                new ConditionBuilder()
                    .withType("Reconciling")
                    .withStatus("True")
                    .withReason("Waiting")
                    .withMessage("aborted by the annotation treewave.dev/abort (INC-7)")
                    .build())));
    OSNode n0 = node("n-0", AgentState.Booted, V2, "2026-12-07T02:59:30Z");
    OSNode n1 = node("n-1", AgentState.WaitingForPermission, "1".repeat(64), null);

    String screen = StatusView.render(image, List.of(n1, n0), NOW);

    assertThat(screen)
        .contains("OSImage fleet  phase Paused  target 222222222222 (41.2)  updated 1/3")
        .contains("Waiting for: aborted by the annotation treewave.dev/abort (INC-7)")
        .contains("Aborted: INC-7: canary does not boot (kubectl treewave resume fleet to go on)")
        .contains("n-1  DrainBlocked: PodDisruptionBudget apps/web allows 0 disruptions (for 10m)");
    assertThat(screen)
        .as("nodes in wave order")
        .containsPattern("(?s)\\nn-0 +0 +Booted.*\\nn-1 +1 +WaitingForPermission");
    assertThat(screen).contains("Booted").contains("30s").contains("WaitingForPermission");
  }

  @Test
  void listSaysSoWhenThereIsNothing() {
    assertThat(StatusView.list(List.of())).isEqualTo("No OSImages found.\n");
    assertThat(StatusView.render(new OSImage("new", null), List.of(), NOW))
        .contains("no status yet");
  }

  @Test
  void agesAreShortAndNeverThrowOnBadInput() {
    assertThat(StatusView.ago("2026-12-07T02:59:18Z", NOW)).isEqualTo("42s");
    assertThat(StatusView.ago("2026-12-07T00:00:00Z", NOW)).isEqualTo("3h");
    assertThat(StatusView.ago("yesterday", NOW)).isEqualTo("-");
    assertThat(StatusView.ago("2026-12-08T00:00:00Z", NOW)).isEqualTo("0s");
  }

  private static OSNode node(String name, AgentState state, String booted, String lastSeen) {
    OSNode node = new OSNode();
    node.getMetadata().setName(name);
    node.setStatus(
        new OSNodeStatus(
            1L,
            state,
            null,
            List.of(),
            new BootedDeployment(booted, null, null),
            null,
            null,
            List.of(),
            null,
            lastSeen));
    return node;
  }
}
