package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthPodsTest {
  private static final List<LabelSelector> CNI =
      List.of(new LabelSelectorBuilder().addToMatchLabels("app", "cni").build());

  private static Pod pod(String namespace, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName("cni-" + namespace)
        .addToLabels("app", "cni")
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void aTenantPodCopyingTheLabelsCannotFailTheGate() {
    List<Pod> pods = List.of(pod("kube-system", true), pod("tenant-a", false));

    assertThat(HealthPods.healthy(pods, CNI, List.of("kube-system"))).isTrue();
  }

  @Test
  void norCanItPassTheGateForAMissingPod() {
    List<Pod> pods = List.of(pod("tenant-a", true));

    assertThat(HealthPods.healthy(pods, CNI, List.of("kube-system"))).isFalse();
  }

  @Test
  void anUnreadySelectedPodInANamedNamespaceFailsTheGate() {
    List<Pod> pods = List.of(pod("kube-system", false));

    assertThat(HealthPods.healthy(pods, CNI, List.of("kube-system"))).isFalse();
  }
}
