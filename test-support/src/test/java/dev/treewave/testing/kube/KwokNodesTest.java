package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KwokNodesTest {

  @Test
  void templateIsManagedByKwokAndSchedulable() {
    Node node = KwokNodes.template("n1", Map.of("pool", "canary"), false);

    assertThat(node.getMetadata().getAnnotations()).containsEntry("kwok.x-k8s.io/node", "fake");
    assertThat(node.getMetadata().getLabels())
        .containsEntry("kubernetes.io/hostname", "n1")
        .containsEntry("pool", "canary");
    assertThat(node.getSpec().getTaints()).isEmpty();
    assertThat(node.getStatus().getAllocatable()).containsKeys("cpu", "memory", "pods");
  }

  @Test
  void taintedTemplateIsToleratedByTheToleration() {
    Node node = KwokNodes.template("n2", Map.of(), true);

    assertThat(node.getSpec().getTaints()).containsExactly(KwokNodes.taint());
    assertThat(KwokNodes.toleration().getKey()).isEqualTo(KwokNodes.taint().getKey());
    assertThat(KwokNodes.toleration().getEffect()).isEqualTo(KwokNodes.taint().getEffect());
  }

  @Test
  void readinessNeedsTheReadyConditionTrue() {
    assertThat(KwokNodes.isReady(KwokNodes.template("n3", Map.of(), false))).isFalse();
    assertThat(KwokNodes.isReady(null)).isFalse();
  }
}
