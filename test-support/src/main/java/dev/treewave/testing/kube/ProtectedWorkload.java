package dev.treewave.testing.kube;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Deployment whose pods ({@code app=NAME}) a PodDisruptionBudget keeps at {@code minAvailable}:
 * the workload a node rollout must drain around without breaking. The rollout ITs pin it to a pool
 * of kwok nodes; the E2Es spread it over all nodes.
 *
 * @param nodeSelector the nodes its pods may run on (empty: any)
 * @param toleratesKwok whether its pods tolerate kwok's taint ({@link KwokNodes#toleration()})
 * @param spread whether the scheduler spreads its pods one per node where it can
 * @param image the (never pulled) container image kwok pretends to run
 */
public record ProtectedWorkload(
    String namespace,
    String name,
    int replicas,
    int minAvailable,
    Map<String, String> nodeSelector,
    boolean toleratesKwok,
    boolean spread,
    String image) {

  private static final long WAIT_MINUTES = 2;

  public ProtectedWorkload {
    nodeSelector = Map.copyOf(nodeSelector);
  }

  /** Any node, no toleration, no spreading, image {@code registry.invalid/app:1}. */
  public static ProtectedWorkload of(
      String namespace, String name, int replicas, int minAvailable) {
    return new ProtectedWorkload(
        namespace, name, replicas, minAvailable, Map.of(), false, false, "registry.invalid/app:1");
  }

  /** Only on nodes with these labels, tolerating kwok's taint. */
  public ProtectedWorkload onKwokNodes(Map<String, String> selector) {
    return new ProtectedWorkload(
        namespace, name, replicas, minAvailable, selector, true, spread, image);
  }

  /** One pod per node where the scheduler can ({@code ScheduleAnyway} on the hostname). */
  public ProtectedWorkload spreadOverNodes() {
    return new ProtectedWorkload(
        namespace, name, replicas, minAvailable, nodeSelector, toleratesKwok, true, image);
  }

  public ProtectedWorkload withImage(String other) {
    return new ProtectedWorkload(
        namespace, name, replicas, minAvailable, nodeSelector, toleratesKwok, spread, other);
  }

  /**
   * Creates the Deployment and the PDB, and returns once every replica is available and the
   * disruption controller counts them all healthy (before that, an eviction may be refused or
   * allowed for reasons that have nothing to do with the rollout).
   */
  public void createAndAwait(KubernetesClient client) {
    create(client);
    awaitAvailable(client);
  }

  /** Creates the Deployment and the PDB (many workloads: create all, then await each). */
  public void create(KubernetesClient client) {
    PodSpecBuilder pod = new PodSpecBuilder().withNodeSelector(nodeSelector);
    if (toleratesKwok) {
      pod.addToTolerations(KwokNodes.toleration());
    }
    if (spread) {
      pod.addNewTopologySpreadConstraint()
          .withMaxSkew(1)
          .withTopologyKey("kubernetes.io/hostname")
          .withWhenUnsatisfiable("ScheduleAnyway")
          .withNewLabelSelector()
          .addToMatchLabels("app", name)
          .endLabelSelector()
          .endTopologySpreadConstraint();
    }
    pod.addNewContainer().withName("app").withImage(image).endContainer();
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
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
                .withSpec(pod.build())
                .endTemplate()
                .endSpec()
                .build())
        .create();
    client
        .resource(
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(new IntOrString(minAvailable))
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .endSpec()
                .build())
        .create();
  }

  /**
   * Returns once every replica is available and the disruption controller counts them all healthy.
   */
  public void awaitAvailable(KubernetesClient client) {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(name)
        .waitUntilCondition(
            d ->
                d != null
                    && d.getStatus() != null
                    && Integer.valueOf(replicas).equals(d.getStatus().getAvailableReplicas())
                    && Integer.valueOf(replicas).equals(d.getStatus().getReadyReplicas()),
            WAIT_MINUTES,
            TimeUnit.MINUTES);
    client
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(namespace)
        .withName(name)
        .waitUntilCondition(
            p ->
                p != null
                    && p.getStatus() != null
                    && p.getStatus().getObservedGeneration() != null
                    && Integer.valueOf(replicas).equals(p.getStatus().getCurrentHealthy()),
            WAIT_MINUTES,
            TimeUnit.MINUTES);
  }
}
