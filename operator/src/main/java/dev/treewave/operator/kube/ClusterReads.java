package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where a reconcile reads OSImages, OSNodes and Nodes from: straight from the API server (the plan
 * preview, one-off commands) or from the caches of the informers JOSDK runs for the reconciler
 * ({@link EventSourceReads}, the running operator, where listing every Node on every reconcile
 * would dominate the API server's load).
 */
public interface ClusterReads {
  List<OSImage> osImages();

  /** Looks OSNodes up by name (null: none), including those this operator has just created. */
  Function<String, OSNode> osNodes();

  List<Node> nodes();

  /** One Node by name (null: none), as {@link #nodes} would show it. */
  Node node(String name);

  /**
   * Tells the reads about an object this operator just wrote, as the API server returned it, so the
   * next read sees the write even if the watch has not delivered it yet. A cache that lagged behind
   * our own cordon could otherwise let the planner disrupt one node too many.
   *
   * @return whether the write changed the object (a version the reads had not seen), so the caller
   *     should look at the cluster again: the watch event of an object handed over here does not
   *     wake the reconciler
   */
  boolean wrote(HasMetadata written);

  /** Lists from the API server on every call. */
  static ClusterReads direct(KubernetesClient client) {
    return new ClusterReads() {
      @Override
      public List<OSImage> osImages() {
        return client.resources(OSImage.class).list().getItems();
      }

      @Override
      public Function<String, OSNode> osNodes() {
        Map<String, OSNode> byName =
            client.resources(OSNode.class).list().getItems().stream()
                .collect(Collectors.toMap(o -> o.getMetadata().getName(), o -> o));
        return byName::get;
      }

      @Override
      public List<Node> nodes() {
        return client.nodes().list().getItems();
      }

      @Override
      public Node node(String name) {
        return client.nodes().withName(name).get();
      }

      @Override
      public boolean wrote(HasMetadata written) {
        return true; // no cache to compare with; nothing watches for us either
      }
    };
  }
}
