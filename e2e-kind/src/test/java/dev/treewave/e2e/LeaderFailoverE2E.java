package dev.treewave.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.operator.OperatorRuntime.LeaseTimings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator as two leader-elected replicas, each its own JVM ({@code OperatorMain run}), on the
 * whole local system ({@link LocalCluster}: real control plane, three kwok nodes, real agents on
 * scratch sysroots). The leader is SIGKILLed while a node it cordoned is activating; the standby
 * must take the Lease and finish the rollout under {@link Invariants} (budget, one reboot per node
 * and target, reboots only when cordoned by us, nothing left cordoned).
 */
class LeaderFailoverE2E {

  private static final int NODES = 3;
  private static final String IMAGE = "fleet-os";

  /** Short, so the standby takes over within seconds; renewals still tolerate a busy machine. */
  private static final LeaseTimings LEASE =
      new LeaseTimings(Duration.ofSeconds(8), Duration.ofSeconds(6), Duration.ofSeconds(1));

  private LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theStandbyTakesTheLeaseAfterTheLeaderIsKilledMidWaveAndFinishesTheRollout()
      throws Exception {
    Path work = Files.createTempDirectory(Path.of("target"), "leader-failover-");
    cluster =
        LocalCluster.start(
            new LocalCluster.Options(NODES, work, line -> System.out.println("[e2e] " + line))
                .withOperatorProcesses(2, LEASE));
    KubernetesClient client = cluster.client();
    OperatorProcesses operators = cluster.operatorProcesses();
    String v2 = cluster.repository().v2();

    try (Invariants invariants = new Invariants(client, IMAGE, 1);
        RolloutWatch watch = new RolloutWatch(client, IMAGE, NODES, System.out::println)) {
      String leader = awaitLeader(operators, null, Duration.ofSeconds(90));
      assertThat(operators.names()).contains(leader);
      client.resource(cluster.image(IMAGE, v2, false, 1)).create();

      // Mid-wave: a node is cordoned and told to activate v2, and has not rebooted yet.
      String[] activating = new String[1];
      invariants.await(
          Duration.ofMinutes(2),
          "a cordoned node told to activate, not yet rebooted",
          i -> {
            activating[0] = activatingNode(client);
            return activating[0] != null
                && cluster.boots().stream().noneMatch(b -> b.node().equals(activating[0]));
          });
      assertThat(client.nodes().withName(activating[0]).get().getSpec().getUnschedulable())
          .as(activating[0] + " cordoned while it activates")
          .isTrue();
      assertThat(operators.leader()).as("the Lease holder at the kill").isEqualTo(leader);

      long killedAt = System.nanoTime();
      operators.kill(leader);
      System.out.printf("[e2e] SIGKILLed %s while %s activates%n", leader, activating[0]);

      String survivor = awaitLeader(operators, leader, Duration.ofSeconds(60));
      double takeover = (System.nanoTime() - killedAt) / 1e9;
      String killed = leader;
      assertThat(survivor).isNotEqualTo(killed).isIn(operators.names());
      assertThat(operators.alive(killed)).isFalse();

      OSImage done =
          invariants.await(
              Duration.ofMinutes(3),
              "Completed after the failover",
              i -> i.getStatus() != null && i.getStatus().phase() == OSImagePhase.Completed);
      double finish = (System.nanoTime() - killedAt) / 1e9;
      System.out.printf(
          "[e2e] %s took the Lease %.1f s after the kill; Completed %.1f s after it%n",
          survivor, takeover, finish);

      invariants.assertHeld();
      assertThat(done.getStatus().targetCommit()).isEqualTo(v2);
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES);
      List<LocalCluster.Boot> boots = cluster.boots();
      assertThat(boots).as("one reboot per node, each cordoned, into v2").hasSize(NODES);
      assertThat(boots).allMatch(b -> b.commit().equals(v2) && b.cordoned());
      assertThat(boots.stream().map(LocalCluster.Boot::node).distinct()).hasSize(NODES);
      assertThat(operators.leader()).as("nobody took the Lease back").isEqualTo(survivor);
      assertThat(operators.alive(survivor)).isTrue();
    }
  }

  /** Waits until a replica other than {@code not} holds the Lease; polls every 100 ms. */
  private static String awaitLeader(OperatorProcesses operators, String not, Duration deadline) {
    return org.awaitility.Awaitility.await("a replica other than " + not + " holds the Lease")
        .atMost(deadline)
        .pollInterval(Duration.ofMillis(100))
        .until(
            operators::leader,
            holder -> holder != null && !holder.isEmpty() && !holder.equals(not));
  }

  /** A node told to activate that has not finished that instruction yet, or null. */
  private static String activatingNode(KubernetesClient client) {
    for (OSNode o : client.resources(OSNode.class).list().getItems()) {
      Instruction i = o.getSpec() != null ? o.getSpec().instruction() : null;
      if (i != null
          && i.action() == NodeAction.Activate
          && (o.getStatus() == null
              || !i.id().equals(o.getStatus().lastCompletedInstructionId()))) {
        return o.getMetadata().getName();
      }
    }
    return null;
  }
}
