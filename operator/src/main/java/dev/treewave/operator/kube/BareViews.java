package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.operator.plan.NodeView;
import io.fabric8.kubernetes.api.model.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Node views without pods, kept per OSImage from one pass to the next while neither the Node nor
 * its OSNode changes (same resourceVersions) and the target stays. Most of a large cluster is at
 * rest during a rollout: its views need not be rebuilt (conditions, annotations, four timestamps
 * parsed) on every pass. A pass keeps only the nodes it saw, so deleted nodes are forgotten.
 */
final class BareViews {
  private record Version(String node, String osNode, String target) {}

  private record Kept(Version version, NodeView view) {}

  private final Map<String, Map<String, Kept>> byImage = new ConcurrentHashMap<>();

  /** One pass over one OSImage's nodes; not shared between threads. */
  final class Pass {
    private final String image;
    private final String target;
    private final Map<String, Kept> previous;
    private final Map<String, Kept> next = new HashMap<>();

    private Pass(String image, String target) {
      this.image = image;
      this.target = target;
      this.previous = byImage.getOrDefault(image, Map.of());
    }

    NodeView of(Node node, OSNode osNode) {
      String name = node.getMetadata().getName();
      Version version =
          new Version(
              node.getMetadata().getResourceVersion(),
              osNode != null ? osNode.getMetadata().getResourceVersion() : "",
              target);
      Kept kept = previous.get(name);
      if (kept == null || version.node() == null || !Objects.equals(kept.version(), version)) {
        NodeView view =
            NodeViews.of(node, osNode, image, target, false, List.of(), List.of(), true);
        kept = new Kept(version, view);
      }
      next.put(name, kept);
      return kept.view();
    }

    /** Keeps this pass's views for the next one. */
    void done() {
      byImage.put(image, next);
    }
  }

  Pass pass(String image, String target) {
    return new Pass(image, target);
  }

  /** The OSImage is gone: its views are not needed again. */
  void forget(String image) {
    byImage.remove(image);
  }
}
