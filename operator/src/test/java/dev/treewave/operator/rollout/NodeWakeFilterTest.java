package dev.treewave.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Only a Node change a plan can depend on wakes the OSImages; a status heartbeat does not. */
class NodeWakeFilterTest {
  private static final Node BEFORE =
      new NodeBuilder(OSImageReconcilerTest.node("n1", Map.of("pool", "worker")))
          .editMetadata()
          .withResourceVersion("10")
          .withAnnotations(Map.of("node.alpha.kubernetes.io/ttl", "0"))
          .endMetadata()
          .editStatus()
          .editFirstCondition()
          .withLastHeartbeatTime("2026-12-01T10:00:00Z")
          .endCondition()
          .addNewCondition()
          .withType("MemoryPressure")
          .withStatus("False")
          .withLastHeartbeatTime("2026-12-01T10:00:00Z")
          .withLastTransitionTime("2026-12-01T09:00:00Z")
          .endCondition()
          .endStatus()
          .build();

  private static boolean wakes(UnaryOperator<NodeBuilder> change) {
    Node now =
        change
            .apply(new NodeBuilder(BEFORE).editMetadata().withResourceVersion("11").endMetadata())
            .build();
    return OSImageReconciler.mayAlterAPlan(now, BEFORE);
  }

  @Test
  void heartbeatsAndOtherStatusUpdatesDoNotWake() {
    assertThat(
            wakes(
                b ->
                    b.editStatus()
                        .editFirstCondition()
                        .withLastHeartbeatTime("2026-12-01T10:00:10Z")
                        .endCondition()
                        .addToAllocatable("cpu", new Quantity("3"))
                        .endStatus()))
        .isFalse();
    assertThat(
            wakes(
                b ->
                    b.editMetadata()
                        .addToAnnotations("node.alpha.kubernetes.io/ttl", "15")
                        .endMetadata()))
        .as("someone else's annotation")
        .isFalse();
  }

  @Test
  void everythingAPlanReadsWakes() {
    assertThat(wakes(b -> b.editMetadata().addToLabels("pool", "canary").endMetadata()))
        .as("labels: selectors, zones")
        .isTrue();
    assertThat(
            wakes(
                b ->
                    b.editSpec()
                        .addNewTaint()
                        .withKey("node.kubernetes.io/unreachable")
                        .withEffect("NoExecute")
                        .endTaint()
                        .endSpec()))
        .as("taints")
        .isTrue();
    assertThat(wakes(b -> b.editSpec().withUnschedulable(true).endSpec()))
        .as("unschedulable")
        .isTrue();
    assertThat(
            wakes(
                b ->
                    b.editStatus()
                        .editFirstCondition()
                        .withStatus("False")
                        .withLastTransitionTime("2026-12-01T10:00:10Z")
                        .endCondition()
                        .endStatus()))
        .as("a Ready transition")
        .isTrue();
    assertThat(
            wakes(
                b ->
                    b.editMetadata()
                        .addToAnnotations("treewave.dev/cordoned-by", "fedora")
                        .endMetadata()))
        .as("the operator's annotations")
        .isTrue();
    assertThat(OSImageReconciler.mayAlterAPlan(BEFORE, null)).as("no previous version").isTrue();
  }
}
