package dev.treewave.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.agent.state.AgentSettings;
import dev.treewave.api.v1alpha1.DrainSpec;
import dev.treewave.api.v1alpha1.DrainTimeoutAction;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.NodeIssue;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.api.v1alpha1.StuckNodeAction;
import dev.treewave.api.v1alpha1.StuckNodePolicy;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault injection on the whole local system ({@link LocalCluster}: real control plane, kwok nodes,
 * real agents on scratch sysroots, the operator), three nodes each, with short deadlines. Each test
 * runs under {@link Invariants} (budget, one reboot per node and target, reboots only when cordoned
 * by us, nothing left cordoned) and waits for a condition that must occur, never for time to pass.
 */
class StuckNodesE2E {

  private static final int NODES = 3;
  private static final String IMAGE = "fleet-os";

  /** Agents retry a failing step every 2 s, 60 times (2 min), and heartbeat every 2 s. */
  private static final AgentSettings PATIENT_AGENTS =
      new AgentSettings(
          2, 16L << 20, 60, Duration.ofSeconds(2), Duration.ofMinutes(3), Duration.ofMillis(500));

  private static final Duration HEARTBEAT = Duration.ofSeconds(2);
  private static final Duration SILENCE = Duration.ofSeconds(15);

  private LocalCluster cluster;
  private KubernetesClient client;

  private void start() throws Exception {
    Path work = Files.createTempDirectory(Path.of("target"), "stuck-nodes-");
    cluster =
        LocalCluster.start(
            new LocalCluster.Options(NODES, work, line -> System.out.println("[e2e] " + line))
                .withAgents(PATIENT_AGENTS, HEARTBEAT));
    client = cluster.client();
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The local cluster's image (canary, then the rest, one node at a time) with these rules. */
  private OSImage image(StuckNodePolicy stuck, FailurePolicy failure, DrainSpec drain) {
    OSImage base = cluster.image(IMAGE, cluster.repository().v2(), false, 1);
    OSImageSpec s = base.getSpec();
    base.setSpec(
        new OSImageSpec(
            s.osName(),
            s.source(),
            s.verification(),
            s.nodeSelector(),
            s.rollout(),
            drain,
            s.health(),
            failure,
            s.paused(),
            s.maintenanceWindows(),
            s.kernelArguments(),
            stuck));
    return base;
  }

  private static OSImage paused(OSImage image, boolean paused) {
    OSImageSpec s = image.getSpec();
    image.setSpec(
        new OSImageSpec(
            s.osName(),
            s.source(),
            s.verification(),
            s.nodeSelector(),
            s.rollout(),
            s.drain(),
            s.health(),
            s.failurePolicy(),
            paused,
            s.maintenanceWindows(),
            s.kernelArguments(),
            s.stuckNodes()));
    return image;
  }

  private static NodeIssue blocker(OSImage image, String node) {
    return Invariants.blockers(image.getStatus()).stream()
        .filter(b -> node.equals(b.node()))
        .findFirst()
        .orElse(null);
  }

  private boolean eventSeen(String reason, String node) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .anyMatch(
            e ->
                reason.equals(e.getReason())
                    && e.getMessage() != null
                    && e.getMessage().startsWith(node + ":"));
  }

  private static boolean completed(OSImage i) {
    return i.getStatus() != null && i.getStatus().phase() == OSImagePhase.Completed;
  }

  @Test
  void aRepositoryDownFor90SecondsDuringStagingFailsNoNodeAndTheRolloutCompletes()
      throws Exception {
    start();
    try (Invariants invariants = new Invariants(client, IMAGE, 1);
        RolloutWatch watch = new RolloutWatch(client, IMAGE, NODES, System.out::println)) {
      cluster.repository().down();
      long downAt = System.nanoTime();
      client
          .resource(image(new StuckNodePolicy("5m", "1m", StuckNodeAction.Stop), null, null))
          .create();

      // While it is down, agents say they are retrying, and nothing counts as failed.
      OSImage during =
          invariants.await(
              Duration.ofSeconds(60),
              "every agent retrying the pull",
              i -> {
                List<OSNode> nodes = client.resources(OSNode.class).list().getItems();
                return nodes.size() == NODES
                    && nodes.stream()
                        .map(OSNode::getStatus)
                        .allMatch(st -> st != null && st.retrying() != null);
              });
      for (OSNode n : client.resources(OSNode.class).list().getItems()) {
        OSNodeStatus st = n.getStatus();
        assertThat(st.lastError()).as(n.getMetadata().getName()).isNull();
        assertThat(st.retrying().reason()).isEqualTo("PullFailed");
        assertThat(st.retrying().instructionId()).isEqualTo(n.getSpec().instruction().id());
      }
      assertThat(during.getStatus().phase()).isEqualTo(OSImagePhase.Staging);

      // The outage lasts 90 s; the rollout must never fail a node meanwhile.
      OSImage stillStaging =
          invariants.await(
              Duration.ofSeconds(120),
              "90 s of outage without a failed node",
              i -> {
                assertThat(i.getStatus().phase()).isNotEqualTo(OSImagePhase.Failed);
                assertThat(i.getStatus().nodes().failed()).isZero();
                return System.nanoTime() - downAt >= TimeUnit.SECONDS.toNanos(90);
              });
      assertThat(stillStaging.getStatus().nodes().staged()).isZero();
      cluster.repository().up();

      OSImage done =
          invariants.await(
              Duration.ofMinutes(3),
              "Completed, no node failed",
              i -> {
                assertThat(i.getStatus().phase()).isNotEqualTo(OSImagePhase.Failed);
                return completed(i);
              });
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES);
      assertThat(done.getStatus().nodes().failed()).isZero();
      assertThat(Invariants.blockers(done.getStatus())).isEmpty();
      invariants.assertHeld();
      assertThat(watch.cordonsPerNode()).allSatisfy((n, c) -> assertThat(c).as(n).isEqualTo(1));
    }
  }

  @Test
  void anAgentKilledBeforeStagingIsNamedAgentMissingAndSkippedTheOthersComplete() throws Exception {
    start();
    SimulatedNode dead = cluster.nodes().get(2);
    dead.killAgent();
    try (Invariants invariants = new Invariants(client, IMAGE, 1)) {
      client
          .resource(
              image(
                  new StuckNodePolicy("1m", SILENCE.toSeconds() + "s", StuckNodeAction.Skip),
                  new FailurePolicy(null, 1),
                  null))
          .create();

      OSImage named =
          invariants.awaitCompletedOrBlocker(
              SILENCE.plusSeconds(30), Set.of("AgentMissing", "AgentSilent"));
      NodeIssue b = blocker(named, dead.name());
      assertThat(b).as("the dead node is named").isNotNull();
      assertThat(b.reason()).isEqualTo("AgentMissing");
      assertThat(b.since()).isNotNull();

      OSImage done = invariants.await(Duration.ofMinutes(2), "Completed", StuckNodesE2E::completed);
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES - 1);
      assertThat(done.getStatus().nodes().skipped()).isEqualTo(1);
      assertThat(blocker(done, dead.name()).reason())
          .as("still named after the skip")
          .isEqualTo("AgentMissing");
      assertThat(eventSeen("AgentMissing", dead.name())).isTrue();
      assertThat(dead.bootedCommit()).contains(cluster.repository().v1());
      invariants.assertHeld();
    }
  }

  @Test
  void anAgentSilentAfterStagingIsNamedAndTheRolloutGoesOnOnceTheAgentIsBack() throws Exception {
    start();
    SimulatedNode last = cluster.nodes().get(NODES - 1);
    String v2 = cluster.repository().v2();
    try (Invariants invariants = new Invariants(client, IMAGE, 1)) {
      // Paused, so every node stages and none is disrupted while the agent is away.
      client
          .resource(
              paused(
                  image(
                      new StuckNodePolicy("1m", SILENCE.toSeconds() + "s", StuckNodeAction.Stop),
                      null,
                      null),
                  true))
          .create();
      invariants.await(
          Duration.ofMinutes(2),
          last.name() + " staged",
          i -> {
            OSNode o = client.resources(OSNode.class).withName(last.name()).get();
            return o != null
                && o.getStatus() != null
                && o.getStatus().deploymentsOrEmpty().stream()
                    .anyMatch(d -> v2.equals(d.commit()) && d.isStaged());
          });
      last.stopAgent(); // its pod dies after it reported and staged

      OSImage named =
          invariants.awaitCompletedOrBlocker(SILENCE.plusSeconds(60), Set.of("AgentSilent"));
      NodeIssue b = blocker(named, last.name());
      assertThat(b).as("the silent node is named").isNotNull();
      assertThat(b.reason()).isEqualTo("AgentSilent");
      assertThat(b.since()).isNotNull();
      assertThat(eventSeen("AgentSilent", last.name())).isTrue();

      // The agent pod comes back: nothing was recorded against the node, so once it reports
      // again and the rollout is resumed, it completes on every node.
      last.startAgent();
      invariants.await(
          Duration.ofMinutes(1), "the blocker gone", i -> blocker(i, last.name()) == null);
      client
          .resources(OSImage.class)
          .withName(IMAGE)
          .edit(
              i -> {
                i.setSpec(paused(i, false).getSpec());
                return i;
              });
      OSImage done = invariants.await(Duration.ofMinutes(2), "Completed", StuckNodesE2E::completed);
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES);
      assertThat(done.getStatus().nodes().failed()).isZero();
      assertThat(last.bootedCommit()).contains(v2);
      invariants.assertHeld();
    }
  }

  @Test
  void anAgentDeadOnceItsNodeIsCordonedIsNamedNeverReturnedNeverSentARollbackAndReleased()
      throws Exception {
    start();
    SimulatedNode last = cluster.nodes().get(NODES - 1);
    try (Invariants invariants = new Invariants(client, IMAGE, 1)) {
      client
          .resource(
              image(
                  new StuckNodePolicy("1m", SILENCE.toSeconds() + "s", StuckNodeAction.Skip),
                  new FailurePolicy(null, 1),
                  null))
          .create();
      // The last node's agent dies the moment the operator cordons its node, before Activate.
      invariants.await(
          Duration.ofMinutes(2),
          last.name() + " cordoned",
          i ->
              Boolean.TRUE.equals(
                  client.nodes().withName(last.name()).get().getSpec().getUnschedulable()));
      last.killAgent();

      OSImage named =
          invariants.awaitCompletedOrBlocker(SILENCE.plusSeconds(60), Set.of("NeverReturned"));
      assertThat(blocker(named, last.name()).reason()).isEqualTo("NeverReturned");
      OSImage done = invariants.await(Duration.ofMinutes(1), "Completed", StuckNodesE2E::completed);
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES - 1);
      assertThat(done.getStatus().nodes().failed()).isEqualTo(1);
      assertThat(done.getStatus().lastFailure().reason()).isEqualTo("NeverReturned");
      OSNode osNode = client.resources(OSNode.class).withName(last.name()).get();
      assertThat(osNode.getSpec().instruction().action())
          .as("never told to roll back: its agent could not")
          .isEqualTo(dev.treewave.api.v1alpha1.NodeAction.Activate);
      assertThat(last.bootedCommit()).contains(cluster.repository().v1());
      invariants.assertHeld(); // released by the policy: nothing left cordoned
    }
  }

  @Test
  void aHostReportingUnmanagedStopsTheRolloutNamedAndItGoesOnOnceManaged() throws Exception {
    start();
    SimulatedNode odd = cluster.nodes().get(1);
    odd.markNotOstreeBooted();
    try (Invariants invariants = new Invariants(client, IMAGE, 1)) {
      client.resource(image(null, null, null)).create(); // stuckNodes defaults: Stop

      OSImage stopped =
          invariants.awaitCompletedOrBlocker(Duration.ofSeconds(45), Set.of("HostUnmanaged"));
      NodeIssue b = blocker(stopped, odd.name());
      assertThat(b.reason()).isEqualTo("HostUnmanaged");
      assertThat(b.message()).contains("NotOstreeBooted");
      OSImage failed =
          invariants.await(
              Duration.ofSeconds(30),
              "phase Failed, Stalled by the stuck node",
              i ->
                  i.getStatus().phase() == OSImagePhase.Failed
                      && i.getStatus().conditionsOrEmpty().stream()
                          .anyMatch(
                              c ->
                                  c.getType().equals("Stalled")
                                      && c.getStatus().equals("True")
                                      && c.getReason().equals("StuckNode")));
      assertThat(failed.getStatus().nodes().updating()).isZero();
      assertThat(eventSeen("HostUnmanaged", odd.name())).isTrue();

      odd.manageAgain(); // the cause is gone: Stop recorded nothing, so the rollout goes on
      OSImage done = invariants.await(Duration.ofMinutes(2), "Completed", StuckNodesE2E::completed);
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES);
      assertThat(Invariants.blockers(done.getStatus())).isEmpty();
      invariants.assertHeld();
    }
  }

  @Test
  void aPdbThatNeverAllowsEvictionIsDrainBlockedThenSkippedAndTheRetryLeverFinishesIt()
      throws Exception {
    start();
    String pinned = cluster.nodes().get(1).name();
    pinUnevictablePod(pinned);
    try (Invariants invariants = new Invariants(client, IMAGE, 1)) {
      client
          .resource(
              image(
                  new StuckNodePolicy("1m", "1m", StuckNodeAction.Skip),
                  new FailurePolicy(null, 1),
                  new DrainSpec("20s", null, null, null, null, DrainTimeoutAction.Uncordon)))
          .create();

      OSImage blocked =
          invariants.awaitCompletedOrBlocker(Duration.ofMinutes(2), Set.of("DrainBlocked"));
      assertThat(blocker(blocked, pinned).reason()).isEqualTo("DrainBlocked");
      OSImage done = invariants.await(Duration.ofMinutes(2), "Completed", StuckNodesE2E::completed);
      assertThat(done.getStatus().nodes().skipped()).isEqualTo(1);
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES - 1);
      assertThat(eventSeen("DrainBlocked", pinned)).isTrue();

      // The owner lifts the budget; a person retries the node.
      client
          .policy()
          .v1()
          .podDisruptionBudget()
          .inNamespace(LocalCluster.APPS_NAMESPACE)
          .withName("pinned")
          .delete();
      client
          .resources(OSImage.class)
          .withName(IMAGE)
          .edit(
              i -> {
                i.getMetadata().getAnnotations().put(OSImage.RETRY_ANNOTATION, pinned);
                return i;
              });
      OSImage retried =
          invariants.await(
              Duration.ofMinutes(2),
              "Completed with every node updated",
              i -> completed(i) && i.getStatus().nodes().updated() == NODES);
      assertThat(retried.getStatus().nodes().skipped()).isZero();
      assertThat(Invariants.blockers(retried.getStatus())).isEmpty();
      assertThat(retried.getMetadata().getAnnotations())
          .as("the operator removed the one-shot annotation")
          .doesNotContainKey(OSImage.RETRY_ANNOTATION);
      assertThat(client.v1().events().inNamespace("default").list().getItems())
          .anySatisfy(
              e -> {
                assertThat(e.getReason()).isEqualTo("RetryRequested");
                assertThat(e.getMessage()).isEqualTo("retrying " + pinned);
              });
      invariants.assertHeld();
    }
  }

  /** One pod pinned to {@code node}, with a PodDisruptionBudget that allows no eviction. */
  private void pinUnevictablePod(String node) {
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("pinned")
                .withNamespace(LocalCluster.APPS_NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .addToMatchLabels("app", "pinned")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "pinned")
                .endMetadata()
                .withNewSpec()
                .addToNodeSelector("kubernetes.io/hostname", node)
                .addNewContainer()
                .withName("app")
                .withImage("registry.invalid/pinned:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    client
        .resource(
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName("pinned")
                .withNamespace(LocalCluster.APPS_NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(new IntOrString(1))
                .withNewSelector()
                .addToMatchLabels("app", "pinned")
                .endSelector()
                .endSpec()
                .build())
        .create();
    client
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(LocalCluster.APPS_NAMESPACE)
        .withName("pinned")
        .waitUntilCondition(
            p ->
                p != null
                    && p.getStatus() != null
                    && p.getStatus().getCurrentHealthy() != null
                    && p.getStatus().getCurrentHealthy() == 1,
            2,
            TimeUnit.MINUTES);
  }
}
