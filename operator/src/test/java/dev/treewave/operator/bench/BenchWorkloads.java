package dev.treewave.operator.bench;

import dev.treewave.testing.kube.ProtectedWorkload;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deployments on the benchmark's nodes, each under a PodDisruptionBudget that allows one disruption
 * at a time, so the rollout's drains evict real pods through the Eviction API and meet the budgets'
 * refusals (429) and the operator's pre-check (DrainWouldBlock) whenever two pods of one Deployment
 * sit on nodes of the same round. kube-scheduler places them and places the replacements of evicted
 * pods; kube-controller-manager recreates those and keeps the budgets' status; kwok runs them.
 */
final class BenchWorkloads {
  static final String NAMESPACE = "apps";

  private BenchWorkloads() {}

  /**
   * Creates {@code count} workloads of {@code replicas} pods (a budget of {@code replicas - 1}
   * available, so one disruption at a time), then waits until all are available and healthy.
   */
  static void createAndAwait(KubernetesClient admin, int count, int replicas) {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    List<ProtectedWorkload> workloads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      workloads.add(
          ProtectedWorkload.of(NAMESPACE, String.format("app-%04d", i), replicas, replicas - 1)
              .onKwokNodes(Map.of("pool", "bench")));
    }
    workloads.forEach(w -> w.create(admin));
    workloads.forEach(w -> w.awaitAvailable(admin));
  }

  /** Pods on the nodes now (for the printout). */
  static int pods(KubernetesClient admin) {
    return admin.pods().inNamespace(NAMESPACE).list().getItems().size();
  }
}
