package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.operator.rollout.InformerCaches;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link ClusterReads} from the caches of the informers JOSDK already runs for the reconciler
 * ({@link InformerCaches}): one LIST and one WATCH per kind for the life of the operator, shared
 * with what wakes reconciles, instead of a second set of informers watching the same kinds.
 *
 * <p>Our own writes go into JOSDK's temporary cache ({@code handleRecentResourceCreate/Update}),
 * which serves them until the watch delivers that version or a later one. Without this, a reconcile
 * that runs right after our cordon could read the Node as schedulable and pick another node,
 * exceeding maxUnavailable. It needs the operator's {@code withParseResourceVersions(true)}:
 * otherwise any watch event, even one older than our write, would drop the write from the cache.
 */
public final class EventSourceReads implements ClusterReads {
  private volatile InformerCaches caches;

  /** Called once, when JOSDK registers the reconciler's event sources. */
  public void attach(InformerCaches caches) {
    this.caches = caches;
  }

  @Override
  public List<OSImage> osImages() {
    return caches().osImages().list().toList();
  }

  @Override
  public Function<String, OSNode> osNodes() {
    InformerEventSource<OSNode, OSImage> source = caches().osNodes();
    // get, not list: only get sees the temporary cache, where an OSNode we just created waits
    return name -> source.get(new ResourceID(name)).orElse(null);
  }

  @Override
  public List<Node> nodes() {
    InformerEventSource<Node, OSImage> source = caches().nodes();
    // list reads the informer's store alone; get puts our newer write in its place
    return source.list().map(n -> source.get(ResourceID.fromResource(n)).orElse(n)).toList();
  }

  @Override
  public Node node(String name) {
    return caches().nodes().get(new ResourceID(name)).orElse(null);
  }

  @Override
  public boolean wrote(HasMetadata written) {
    if (written instanceof Node n) {
      return handOver(caches().nodes(), n);
    } else if (written instanceof OSNode o) {
      return handOver(caches().osNodes(), o);
    }
    return false;
  }

  private static <T extends HasMetadata> boolean handOver(
      InformerEventSource<T, OSImage> source, T written) {
    if (written == null || written.getMetadata().getResourceVersion() == null) {
      return false;
    }
    ResourceID id = ResourceID.fromResource(written);
    Optional<T> cached = source.get(id);
    if (cached.isEmpty()) {
      source.handleRecentResourceCreate(id, written);
      return true;
    }
    if (written
        .getMetadata()
        .getResourceVersion()
        .equals(cached.get().getMetadata().getResourceVersion())) {
      // Nothing changed, or the watch was first: its event was not ours to drop and woke us.
      return false;
    }
    // The version before a patch without a read is unknown. Passing the written object itself,
    // JOSDK keeps it only if it is newer than what the cache holds (versions parsed as numbers).
    source.handleRecentResourceUpdate(id, written, written);
    return true;
  }

  private InformerCaches caches() {
    InformerCaches c = caches;
    if (c == null) {
      throw new IllegalStateException("read before the reconciler registered its event sources");
    }
    return c;
  }
}
