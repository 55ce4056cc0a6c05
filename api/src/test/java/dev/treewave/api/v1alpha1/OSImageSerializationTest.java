package dev.treewave.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class OSImageSerializationTest {

  private static final String COMMIT = "a".repeat(64);

  @Test
  void readsTheYamlAnAdminWrites() {
    String yaml =
        """
        apiVersion: treewave.dev/v1alpha1
        kind: OSImage
        metadata:
          name: fedora-41
        spec:
          osName: fedora
          source:
            url: https://repo.example.com/ostree
            ref: fedora/41/x86_64
            commit: %s
          verification:
            mode: Ed25519
            keys:
              - configMapRef: {namespace: treewave, name: keys, key: ed25519.pub}
          nodeSelector:
            matchLabels: {pool: worker}
          rollout:
            waves:
              - nodes: 1
                pauseAfter: {untilResumed: true}
              - nodes: 25%%
                maxUnavailable: 2
                pauseAfter: {duration: 30m}
            maxUnavailable: 10%%
          maintenanceWindows:
            - days: [Sat, Sun]
              start: "02:00"
              duration: 4h
              timeZone: Europe/Berlin
          failurePolicy: {action: Rollback, maxFailedNodes: 1}
        """
            .formatted(COMMIT);

    OSImage image = Serialization.unmarshal(yaml, OSImage.class);

    OSImageSpec spec = image.getSpec();
    assertThat(spec.source().commit()).isEqualTo(COMMIT);
    assertThat(spec.verification().mode()).isEqualTo(VerificationMode.Ed25519);
    assertThat(spec.verification().keys().get(0).configMapRef().key()).isEqualTo("ed25519.pub");
    List<Wave> waves = spec.rolloutOrDefault().waves();
    assertThat(waves.get(0).nodes().getIntVal()).isEqualTo(1);
    assertThat(waves.get(0).pauseAfter().isUntilResumed()).isTrue();
    assertThat(waves.get(1).nodes().getStrVal()).isEqualTo("25%");
    assertThat(waves.get(1).pauseAfter().duration()).isEqualTo("30m");
    assertThat(spec.rolloutOrDefault().maxUnavailable().getStrVal()).isEqualTo("10%");
    assertThat(spec.rolloutOrDefault().prefetchOrDefault()).isTrue();
    assertThat(spec.maintenanceWindowsOrEmpty().get(0).days())
        .containsExactly(Weekday.Sat, Weekday.Sun);
    assertThat(spec.failurePolicyOrDefault().actionOrDefault()).isEqualTo(FailureAction.Rollback);
    assertThat(spec.drainOrDefault().timeoutOrDefault()).isEqualTo("10m");
    assertThat(spec.isPaused()).isFalse();
  }

  @Test
  void leavesAbsentFieldsOutSoPatchesDoNotClearThem() {
    OSNode node =
        new OSNode(
            "worker-1",
            new OSNodeSpec(
                "fedora-41",
                "fedora",
                new ImageSource("https://repo.example.com/ostree", "fedora/41", COMMIT),
                new Verification(VerificationMode.Disabled, null),
                null,
                new Instruction("i-1", NodeAction.Stage, COMMIT, null)));
    node.setStatus(
        new OSNodeStatus(
            1L, AgentState.Pulling, null, null, null, new PullProgress(3L, 10L, 100L), null, null));

    String json = Serialization.asJson(node);

    assertThat(json).doesNotContain("null").doesNotContain("kernelArguments");
    OSNode back = Serialization.unmarshal(json, OSNode.class);
    assertThat(back.getSpec()).isEqualTo(node.getSpec());
    assertThat(back.getStatus()).isEqualTo(node.getStatus());
    assertThat(back.getApiVersion()).isEqualTo("treewave.dev/v1alpha1");
  }

  @Test
  void intOrStringKeepsCountsAndPercentagesApart() {
    Rollout rollout = new Rollout(List.of(Wave.of(1), Wave.of("50%")), null, null, false, null);
    Rollout back = Serialization.unmarshal(Serialization.asJson(rollout), Rollout.class);
    assertThat(back.waves().get(0).nodes()).isEqualTo(new IntOrString(1));
    assertThat(back.waves().get(1).nodes()).isEqualTo(new IntOrString("50%"));
    assertThat(back.prefetchOrDefault()).isFalse();
  }
}
