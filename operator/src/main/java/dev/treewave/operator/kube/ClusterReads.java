package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * Where a reconcile reads OSImages, OSNodes and Nodes from: straight from the API server (the plan
 * preview, one-off commands) or from informer caches ({@link InformerReads}, the running operator,
 * where listing every Node on every reconcile would dominate the API server's load).
 */
public interface ClusterReads {
  List<OSImage> osImages();

  List<OSNode> osNodes();

  List<Node> nodes();

  /**
   * Tells the reads about an object this operator just wrote, as the API server returned it, so the
   * next read sees the write even if the watch has not delivered it yet. A cache that lagged behind
   * our own cordon could otherwise let the planner disrupt one node too many.
   */
  void wrote(HasMetadata written);

  /** Lists from the API server on every call. */
  static ClusterReads direct(KubernetesClient client) {
    return new ClusterReads() {
      @Override
      public List<OSImage> osImages() {
        return client.resources(OSImage.class).list().getItems();
      }

      @Override
      public List<OSNode> osNodes() {
        return client.resources(OSNode.class).list().getItems();
      }

      @Override
      public List<Node> nodes() {
        return client.nodes().list().getItems();
      }

      @Override
      public void wrote(HasMetadata written) {}
    };
  }
}
