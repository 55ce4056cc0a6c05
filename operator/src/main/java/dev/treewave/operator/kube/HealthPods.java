package dev.treewave.operator.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.List;

/**
 * The optional pod part of the health gate: every selector must match at least one pod on the node,
 * and every matching pod must be Ready. "At least one" matters: right after a reboot the pods are
 * not even there yet, which is not healthy. Only pods in the OSImage's own health namespaces count:
 * a tenant elsewhere who copies the labels must not be able to fail (or pass) a node's gate.
 */
public final class HealthPods {
  private HealthPods() {}

  public static boolean healthy(
      List<Pod> podsOnNode, List<LabelSelector> selectors, Collection<String> namespaces) {
    for (LabelSelector selector : selectors) {
      List<Pod> matched =
          podsOnNode.stream()
              .filter(p -> namespaces.contains(p.getMetadata().getNamespace()))
              .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
              .filter(p -> Selectors.matches(selector, p.getMetadata().getLabels()))
              .toList();
      if (matched.isEmpty() || !matched.stream().allMatch(PodFilters::isReady)) {
        return false;
      }
    }
    return true;
  }
}
