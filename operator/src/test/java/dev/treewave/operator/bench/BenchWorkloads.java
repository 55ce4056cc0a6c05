package dev.treewave.operator.bench;

import dev.treewave.testing.kube.KwokNodes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
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

  static void create(KubernetesClient admin, int count, int replicas) {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    for (int i = 0; i < count; i++) {
      String name = String.format("app-%04d", i);
      admin
          .resource(
              new DeploymentBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(replicas)
                  .withNewSelector()
                  .addToMatchLabels("app", name)
                  .endSelector()
                  .withNewTemplate()
                  .withNewMetadata()
                  .addToLabels("app", name)
                  .endMetadata()
                  .withNewSpec()
                  .withNodeSelector(Map.of("pool", "bench"))
                  .addToTolerations(KwokNodes.toleration())
                  .addNewContainer()
                  .withName("app")
                  .withImage("registry.invalid/app:1")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
      admin
          .resource(
              new PodDisruptionBudgetBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .withNewSpec()
                  .withMaxUnavailable(new IntOrString(1))
                  .withNewSelector()
                  .addToMatchLabels("app", name)
                  .endSelector()
                  .endSpec()
                  .build())
          .create();
    }
  }

  /** Waits until every Deployment is available and every budget allows its one disruption. */
  static void awaitAvailable(KubernetesClient admin, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long ready =
          admin
              .policy()
              .v1()
              .podDisruptionBudget()
              .inNamespace(NAMESPACE)
              .list()
              .getItems()
              .stream()
              .filter(BenchWorkloads::allowsOne)
              .count();
      if (ready == count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(ready + " of " + count + " workloads available");
      }
      Thread.sleep(1000);
    }
  }

  private static boolean allowsOne(PodDisruptionBudget pdb) {
    return pdb.getStatus() != null
        && pdb.getStatus().getDisruptionsAllowed() != null
        && pdb.getStatus().getDisruptionsAllowed() >= 1;
  }

  /** Pods on the nodes now (for the printout). */
  static int pods(KubernetesClient admin) {
    return admin.pods().inNamespace(NAMESPACE).list().getItems().size();
  }
}
