package dev.treewave.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One kind's informer cache with read-your-writes: an object we wrote is served from {@code recent}
 * until the watch delivers that version or a later one (or the object's deletion). Without this, a
 * reconcile that runs right after our cordon could read the Node as schedulable and pick another
 * node, exceeding maxUnavailable. Versions are compared as numbers, as etcd issues them; a version
 * that is not a number counts as caught up, so the cache is never overridden for good.
 */
final class CachedKind<T extends HasMetadata> implements AutoCloseable {
  private final SharedIndexInformer<T> informer;
  private final Map<String, T> recent = new ConcurrentHashMap<>();
  private final CompletionStage<Void> started;

  CachedKind(Informable<T> source) {
    informer = source.runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(T obj) {
            seen(obj);
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            seen(newObj);
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            recent.remove(obj.getMetadata().getName());
          }
        });
    started = informer.start();
  }

  CompletionStage<Void> started() {
    return started;
  }

  /** The cached objects, our newer writes in place of what the watch has not caught up with. */
  List<T> list() {
    Map<String, T> byName = new LinkedHashMap<>();
    for (T item : informer.getStore().list()) {
      byName.put(item.getMetadata().getName(), item);
    }
    recent.forEach(
        (name, mine) -> {
          T cached = byName.get(name);
          if (cached == null || newer(mine, cached)) {
            byName.put(name, mine);
          }
        });
    return List.copyOf(byName.values());
  }

  void wrote(T written) {
    if (written == null || written.getMetadata().getResourceVersion() == null) {
      return;
    }
    recent.merge(
        written.getMetadata().getName(), written, (old, now) -> newer(old, now) ? old : now);
    // the watch may have delivered this very version before we got here
    T cached = informer.getStore().getByKey(written.getMetadata().getName());
    if (cached != null) {
      seen(cached);
    }
  }

  private void seen(T obj) {
    recent.computeIfPresent(
        obj.getMetadata().getName(), (name, mine) -> newer(mine, obj) ? mine : null);
  }

  /** {@code a} is a strictly later version than {@code b}. */
  private static boolean newer(HasMetadata a, HasMetadata b) {
    try {
      return Long.parseLong(a.getMetadata().getResourceVersion())
          > Long.parseLong(b.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
