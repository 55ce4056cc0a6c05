package dev.treewave.agent.kube;

import dev.treewave.api.v1alpha1.OSNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Objects;

/**
 * Watches this node's OSNode only (the informer lists and watches with a field selector on {@code
 * metadata.name}), so the agent's RBAC can be limited to its own object and a cluster of thousands
 * of nodes does not send every agent every change. Calls {@code onSpecChange} when the spec changes
 * (not for the agent's own status writes).
 */
public final class OsNodeWatch implements AutoCloseable {

  private final SharedIndexInformer<OSNode> informer;

  public OsNodeWatch(
      KubernetesClient client, String nodeName, Duration resync, Runnable onSpecChange) {
    Objects.requireNonNull(onSpecChange, "onSpecChange");
    informer =
        client
            .resources(OSNode.class)
            .withName(nodeName)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(OSNode node) {
                    onSpecChange.run();
                  }

                  @Override
                  public void onUpdate(OSNode before, OSNode after) {
                    if (!Objects.equals(before.getSpec(), after.getSpec())) {
                      onSpecChange.run();
                    }
                  }

                  @Override
                  public void onDelete(OSNode node, boolean finalStateUnknown) {
                    onSpecChange.run();
                  }
                },
                resync.toMillis());
  }

  /** The OSNode as last seen, or null if it does not exist. */
  public OSNode current() {
    return informer.getStore().list().stream().findFirst().orElse(null);
  }

  /** Whether the initial list has been received. */
  public boolean synced() {
    return informer.hasSynced();
  }

  @Override
  public void close() {
    informer.close();
  }
}
