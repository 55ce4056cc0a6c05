package dev.treewave.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.agent.state.AgentSettings;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, API server restart: the kube-apiserver of the local system ({@link LocalCluster}: real
 * control plane, three kwok nodes, real agents on scratch sysroots, the operator) is stopped while
 * a node is cordoned for its update, stays down for {@link #OUTAGE}, and comes back on the same
 * port with the same etcd, certificates and flags. The rollout must still complete under {@link
 * Invariants}, polled every 100 ms across the outage.
 */
class ApiServerRestartE2E {

  private static final int NODES = 3;
  private static final String IMAGE = "fleet-os";
  private static final Duration OUTAGE = Duration.ofSeconds(12);

  /** Agents retry a failing step every 2 s, 60 times (2 min): longer than the outage. */
  private static final AgentSettings PATIENT_AGENTS =
      new AgentSettings(
          2, 16L << 20, 60, Duration.ofSeconds(2), Duration.ofMinutes(3), Duration.ofMillis(500));

  private LocalCluster cluster;
  private KubernetesClient client;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theApiServerRestartedWhileANodeIsCordonedTheRolloutCompletesWithinTheInvariants()
      throws Exception {
    Path work = Files.createTempDirectory(Path.of("target"), "apiserver-restart-");
    cluster =
        LocalCluster.start(
            new LocalCluster.Options(NODES, work, line -> System.out.println("[e2e] " + line))
                .withAgents(PATIENT_AGENTS, Duration.ofSeconds(2)));
    client = cluster.client();
    String v2 = cluster.repository().v2();
    try (Invariants invariants = new Invariants(client, IMAGE, 1);
        RolloutWatch watch = new RolloutWatch(client, IMAGE, NODES, System.out::println)) {
      client.resource(cluster.image(IMAGE, v2, false, 1)).create();

      OSImage mid =
          invariants.await(
              Duration.ofMinutes(2),
              "a node cordoned for its update",
              i -> i.getStatus() != null && cordoned().size() == 1);
      List<String> hit = cordoned();
      assertThat(mid.getStatus().phase()).isNotEqualTo(OSImagePhase.Completed);

      long failedBefore = invariants.failedPolls();
      long downAt = System.nanoTime();
      cluster.plane().stopApiServer();
      System.out.println("[e2e] kube-apiserver stopped while " + hit + " was cordoned");
      // The outage itself: the checker keeps polling (and failing) all along.
      awaitUntil(
          () ->
              System.nanoTime() - downAt >= OUTAGE.toNanos()
                  && invariants.failedPolls() > failedBefore,
          OUTAGE.plusSeconds(30));
      long pollsBeforeStart = invariants.polls();
      cluster.plane().startApiServer();
      long downFor = (System.nanoTime() - downAt) / 1_000_000;
      long skipped = invariants.failedPolls() - failedBefore;
      System.out.printf(
          "[e2e] kube-apiserver back after %d ms; invariant polls skipped meanwhile: %d%n",
          downFor, skipped);
      // The checker kept trying all along (no poll blocked for the outage), and reads again now.
      assertThat(skipped).isGreaterThanOrEqualTo(OUTAGE.toSeconds());
      awaitUntil(() -> invariants.polls() > pollsBeforeStart + 2, Duration.ofSeconds(30));

      long backAt = System.nanoTime();
      OSImage done =
          invariants.await(
              Duration.ofMinutes(3),
              "Completed after the restart",
              i -> {
                assertThat(i.getStatus().phase()).isNotEqualTo(OSImagePhase.Failed);
                return i.getStatus().phase() == OSImagePhase.Completed;
              });
      System.out.printf(
          "[e2e] Completed %.1f s after the API server came back%n",
          (System.nanoTime() - backAt) / 1e9);
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES);
      assertThat(done.getStatus().nodes().failed()).isZero();
      assertThat(Invariants.blockers(done.getStatus())).isEmpty();
      invariants.assertHeld();
      assertThat(invariants.maxUnavailable()).isEqualTo(1);

      // Every node booted v2 exactly once, each time cordoned.
      Map<String, Long> bootsPerNode =
          cluster.boots().stream()
              .collect(Collectors.groupingBy(LocalCluster.Boot::node, Collectors.counting()));
      assertThat(bootsPerNode).hasSize(NODES).allSatisfy((n, c) -> assertThat(c).as(n).isOne());
      assertThat(cluster.boots())
          .allSatisfy(
              b -> {
                assertThat(b.commit()).as(b.node()).isEqualTo(v2);
                assertThat(b.cordoned()).as(b.node() + " cordoned at reboot").isTrue();
              });
      for (SimulatedNode node : cluster.nodes()) {
        assertThat(node.bootedCommit()).as(node.name()).contains(v2);
      }
      System.out.println("[e2e] cordons per node: " + watch.cordonsPerNode());
    }
  }

  private List<String> cordoned() {
    return client.nodes().withLabel(LocalCluster.POOL_LABEL).list().getItems().stream()
        .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
        .map(n -> n.getMetadata().getName())
        .toList();
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition, Duration deadline) {
    org.awaitility.Awaitility.await()
        .atMost(deadline)
        .pollInterval(Duration.ofMillis(100))
        .until(condition::getAsBoolean);
  }
}
