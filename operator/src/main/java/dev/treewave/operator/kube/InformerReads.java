package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ClusterReads} from three fabric8 informers (OSImages, OSNodes, Nodes): one LIST and one
 * WATCH per kind for the life of the operator, instead of three full LISTs per reconcile. Our own
 * writes are overlaid until the watch catches up ({@link CachedKind}). Pods are not cached here: a
 * cluster-wide pod cache would cost far more memory than the few per-node lists the rollout needs.
 */
public final class InformerReads implements ClusterReads, AutoCloseable {
  private final CachedKind<OSImage> osImages;
  private final CachedKind<OSNode> osNodes;
  private final CachedKind<Node> nodes;

  private InformerReads(
      CachedKind<OSImage> osImages, CachedKind<OSNode> osNodes, CachedKind<Node> nodes) {
    this.osImages = osImages;
    this.osNodes = osNodes;
    this.nodes = nodes;
  }

  /** Starts the informers and waits until each has its first full list. */
  public static InformerReads start(KubernetesClient client, Duration syncTimeout) {
    CachedKind<OSImage> images = new CachedKind<>(client.resources(OSImage.class));
    CachedKind<OSNode> osNodes = new CachedKind<>(client.resources(OSNode.class));
    CachedKind<Node> nodes = new CachedKind<>(client.nodes());
    InformerReads reads = new InformerReads(images, osNodes, nodes);
    try {
      for (CachedKind<?> kind : List.of(images, osNodes, nodes)) {
        kind.started().toCompletableFuture().get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      reads.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the caches synced", e);
    } catch (ExecutionException | TimeoutException e) {
      reads.close();
      throw new IllegalStateException("the informer caches did not sync: " + e.getMessage(), e);
    }
    return reads;
  }

  @Override
  public List<OSImage> osImages() {
    return osImages.list();
  }

  @Override
  public List<OSNode> osNodes() {
    return osNodes.list();
  }

  @Override
  public List<Node> nodes() {
    return nodes.list();
  }

  @Override
  public void wrote(HasMetadata written) {
    if (written instanceof Node n) {
      nodes.wrote(n);
    } else if (written instanceof OSNode o) {
      osNodes.wrote(o);
    } else if (written instanceof OSImage i) {
      osImages.wrote(i);
    }
  }

  @Override
  public void close() {
    osImages.close();
    osNodes.close();
    nodes.close();
  }
}
