package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.DrainSpec;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** Which pods a drain must evict, and which it must leave alone. */
public final class PodFilters {
  private PodFilters() {}

  /** Pods on the node that must leave before it reboots. */
  public static List<Pod> toEvict(List<Pod> podsOnNode, DrainSpec drain) {
    return podsOnNode.stream().filter(p -> mustEvict(p, drain)).toList();
  }

  static boolean mustEvict(Pod pod, DrainSpec drain) {
    if (isMirror(pod) || isFinished(pod) || pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    if (isDaemonSetPod(pod) && drain.skipDaemonSetPodsOrDefault()) {
      return false;
    }
    return !Selectors.matchesAny(drain.skipPodSelectorsOrEmpty(), pod.getMetadata().getLabels());
  }

  /** Pods the drain cannot handle as configured: reported instead of cordoning. */
  public static List<String> configBlockers(List<Pod> toEvict, DrainSpec drain) {
    return toEvict.stream()
        .map(
            p -> {
              if (isDaemonSetPod(p)) {
                return name(p) + ": DaemonSet pod and skipDaemonSetPods is false";
              }
              if (usesEmptyDir(p) && !drain.deleteEmptyDirDataOrDefault()) {
                return name(p) + ": uses emptyDir and deleteEmptyDirData is false";
              }
              return null;
            })
        .filter(s -> s != null)
        .toList();
  }

  public static boolean isDaemonSetPod(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(o -> "DaemonSet".equals(o.getKind()));
  }

  /** Static pods shown by the kubelet; the API server cannot evict them. */
  public static boolean isMirror(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey("kubernetes.io/config.mirror");
  }

  static boolean isFinished(Pod pod) {
    String phase = pod.getStatus() != null ? pod.getStatus().getPhase() : null;
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static boolean usesEmptyDir(Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getVolumes() != null
        && pod.getSpec().getVolumes().stream().anyMatch(v -> v.getEmptyDir() != null);
  }

  public static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  public static String name(Pod pod) {
    return "pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
