package dev.treewave.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** The mock server ignores field selectors on spec.nodeName, so tests filter in memory. */
public final class PodsOnNode {
  private PodsOnNode() {}

  public static List<Pod> list(KubernetesClient client, String node) {
    return client.pods().inAnyNamespace().list().getItems().stream()
        .filter(p -> p.getSpec() != null && node.equals(p.getSpec().getNodeName()))
        .toList();
  }
}
