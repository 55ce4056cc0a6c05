package dev.treewave.operator.kube;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The last pod list of each node in flight, reused for a few seconds. Pods are not watched (a
 * cluster-wide pod informer would hold every pod of the cluster in the heap), so a node's pods are
 * listed on demand; before, every reconcile listed them again for each node draining or waiting for
 * its reboot, and the same reconcile listed them a second time to drain. Now a list is reused while
 * it is younger than {@code maxAge}, and dropped when the node is cordoned (a list from before the
 * cordon cannot say the node is drained) or released. Our own evictions are applied to the kept
 * list, since an evicted pod no longer counts ({@link PodFilters#mustEvict}).
 */
final class RecentPods {
  private final Clock clock;
  private final Duration maxAge;
  private final Function<String, List<Pod>> list;
  private final Map<String, Listed> byNode = new ConcurrentHashMap<>();

  private record Listed(Instant at, List<Pod> pods) {}

  /**
   * @param list lists a node's pods from the API server
   */
  RecentPods(Clock clock, Duration maxAge, Function<String, List<Pod>> list) {
    this.clock = clock;
    this.maxAge = maxAge;
    this.list = list;
  }

  /** The node's pods, from a list at most {@code maxAge} old. */
  List<Pod> on(String node) {
    Instant now = clock.instant();
    Listed kept = byNode.get(node);
    if (kept != null && now.isBefore(kept.at().plus(maxAge))) {
      return kept.pods();
    }
    return fresh(node);
  }

  /** The node's pods, listed now (kept for later callers). */
  List<Pod> fresh(String node) {
    Instant now = clock.instant();
    List<Pod> pods = List.copyOf(list.apply(node));
    // Entries of nodes no one asked about since expire here: bounded by the nodes in flight.
    byNode.values().removeIf(l -> !now.isBefore(l.at().plus(maxAge)));
    byNode.put(node, new Listed(now, pods));
    return pods;
  }

  /** Removes pods we evicted or deleted ("namespace/name") from the node's kept list. */
  void gone(String node, Set<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    byNode.computeIfPresent(
        node,
        (n, l) ->
            new Listed(l.at(), l.pods().stream().filter(p -> !keys.contains(key(p))).toList()));
  }

  /** Forgets the node's list: the next look lists again. */
  void forget(String node) {
    byNode.remove(node);
  }

  static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
