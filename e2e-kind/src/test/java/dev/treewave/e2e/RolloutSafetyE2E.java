package dev.treewave.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.Pause;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.operator.rollout.RolloutService;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What an SRE does to a rollout in flight, on the whole local system ({@link LocalCluster}: real
 * control plane, five kwok nodes, real agents on scratch sysroots, the operator): a GitOps revert
 * while a node activates, a whole-rollout rollback, a ref moved back to an older signed commit, a
 * Node deleted while it activates. Each scenario watches the cluster every 100 ms ({@link
 * RolloutWatch}) and checks the invariants at its end: never more than {@code maxUnavailable} nodes
 * unavailable, no node booted twice into one commit, no boot of a schedulable node, nothing left
 * cordoned, a terminal phase in time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutSafetyE2E {

  private static final int NODES = 5;
  private static final int BUDGET = 1;
  private static final String IMAGE = "fleet-os";
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  private static LocalCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    Path work = Files.createTempDirectory(Path.of("target"), "safety-cluster-");
    cluster =
        LocalCluster.start(
            new LocalCluster.Options(NODES, work, line -> System.out.println("[e2e] " + line)));
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aGitOpsRevertWhileANodeActivatesFinishesItsStepThenGoesBackWithinTheBudget() {
    String v1 = cluster.repository().v1();
    String v2 = cluster.repository().v2();
    int bootsBefore = cluster.boots().size();
    try (RolloutWatch watch =
        new RolloutWatch(client, IMAGE, cluster.workloadReplicas(), System.out::println)) {
      client.resource(cluster.image(IMAGE, v2, false, BUDGET)).create();

      // The canary is done and the first node of the next wave has just been told to activate.
      String[] activating = new String[1];
      await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                activating[0] = null;
                for (OSNode o : client.resources(OSNode.class).list().getItems()) {
                  Instruction i = o.getSpec() != null ? o.getSpec().instruction() : null;
                  boolean unfinished =
                      o.getStatus() == null
                          || i == null
                          || !i.id().equals(o.getStatus().lastCompletedInstructionId());
                  String name = o.getMetadata().getName();
                  boolean bootedAlready =
                      !bootsOf(bootsBefore, b -> b.node().equals(name)).isEmpty();
                  if (i != null
                      && i.action() == NodeAction.Activate
                      && unfinished
                      && !bootedAlready) {
                    activating[0] = name;
                  }
                }
                return activating[0] != null && bootsOf(bootsBefore, n -> true).size() == 1;
              });
      String canary = bootsOf(bootsBefore, n -> true).get(0).node();
      assertThat(activating[0]).as("a node after the canary").isNotEqualTo(canary);
      long downloads = cluster.repository().objectDownloads();
      System.out.println("[e2e] revert to v1 while " + activating[0] + " activates v2");
      setSpec(cluster.image(IMAGE, v1, false, BUDGET).getSpec());

      OSImage done = awaitCompleted(v1);

      assertInvariants(watch, bootsBefore);
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES);
      assertThat(cluster.repository().objectDownloads())
          .as("v1 is on every node: the revert downloads nothing")
          .isEqualTo(downloads);
      // The activating node finished its step (v2), then went back to v1 without being released.
      assertThat(bootsOf(bootsBefore, b -> b.node().equals(activating[0])))
          .extracting(LocalCluster.Boot::commit)
          .containsExactly(v2, v1);
      assertThat(watch.cordonsPerNode()).containsEntry(activating[0], 1);
      assertThat(bootsOf(bootsBefore, b -> b.node().equals(canary)))
          .extracting(LocalCluster.Boot::commit)
          .containsExactly(v2, v1);
      for (SimulatedNode node : cluster.nodes()) {
        if (!node.name().equals(canary) && !node.name().equals(activating[0])) {
          assertThat(bootsOf(bootsBefore, b -> b.node().equals(node.name())))
              .as(node.name() + " already ran the new target: untouched")
              .isEmpty();
          assertThat(watch.cordonsPerNode()).doesNotContainKey(node.name());
        }
      }
      assertThat(events("Retargeted")).isNotEmpty();
    }
  }

  @Test
  @Order(2)
  void aWholeRolloutRollbackAfterTwoWavesSendsEveryUpdatedNodeBackWithoutDownloading() {
    String v1 = cluster.repository().v1();
    String v2 = cluster.repository().v2();
    OSImageSpec forward = withRollout(cluster.image(IMAGE, v2, false, BUDGET).getSpec(), false);
    try (RolloutWatch watch =
        new RolloutWatch(client, IMAGE, cluster.workloadReplicas(), System.out::println)) {
      int bootsBefore = cluster.boots().size();
      setSpec(forward);
      // Canary and the 50% wave are done; the last wave waits for a person.
      OSImage paused =
          awaitStatus(
              s ->
                  v2.equals(s.targetCommit())
                      && s.phase() == OSImagePhase.Paused
                      && s.nodes().updated() == 4);
      List<String> updated =
          paused.getStatus().waves().stream().limit(2).flatMap(w -> w.nodes().stream()).toList();
      long downloads = cluster.repository().objectDownloads();
      int bootsAtRollback = cluster.boots().size();

      setSpec(withRollout(forward, true));
      OSImage done = awaitStatus(s -> s.phase() == OSImagePhase.RolledBack);

      assertInvariants(watch, bootsBefore);
      assertThat(done.getStatus().nodes().rolledBack()).isEqualTo(4);
      assertThat(done.getStatus().conditions())
          .anySatisfy(
              c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("RolledBack");
              });
      assertThat(cluster.repository().objectDownloads())
          .as("a rollback boots the deployment on disk")
          .isEqualTo(downloads);
      assertThat(bootsOf(bootsAtRollback, b -> true))
          .as("each updated node booted v1 once, nobody else rebooted")
          .extracting(b -> b.node() + " " + b.commit())
          .containsExactlyInAnyOrderElementsOf(updated.stream().map(n -> n + " " + v1).toList());
      for (SimulatedNode node : cluster.nodes()) {
        assertThat(bootedCommit(node)).as(node.name()).isEqualTo(v1);
      }
      assertThat(events("RolledBack")).hasSizeGreaterThanOrEqualTo(4);
    }
  }

  @Test
  @Order(3)
  void aSignedSummaryNamingAnOlderCommitDoesNotMoveTheRolloutAndSaysWhy() {
    String v1 = cluster.repository().v1();
    String v2 = cluster.repository().v2();
    int bootsBefore = cluster.boots().size();
    try (RolloutWatch watch =
        new RolloutWatch(client, IMAGE, cluster.workloadReplicas(), System.out::println)) {
      // Follow the ref instead of pinning: resolved from the signed summary, which names v2.
      OSImageSpec pinned = client.resources(OSImage.class).withName(IMAGE).get().getSpec();
      OSImageSpec unpinned = withSource(pinned, null);
      setSpec(unpinned);
      awaitStatus(
          s ->
              v2.equals(s.targetCommit())
                  && !downgradeRefused(s)
                  && s.conditionsOrEmpty().stream()
                      .noneMatch(c -> "TargetUnresolved".equals(c.getReason())));

      // A genuinely signed but older summary (a replay, or a mistaken publish) names v1.
      cluster.repository().publishSignedRef(v1);
      // Nothing in the cluster changes here, and the rollout is at rest: the operator notices only
      // because it reads a followed ref again every --ref-poll-interval (default 1 minute).
      OSImage refused =
          awaitStatus(
              RolloutService.DEFAULT_REF_POLL.plus(DEADLINE), RolloutSafetyE2E::downgradeRefused);

      assertThat(refused.getStatus().targetCommit()).as("no move").isEqualTo(v2);
      assertThat(degraded(refused.getStatus()).getMessage()).contains(v1).contains("older");
      assertThat(events("DowngradeRefused")).isNotEmpty();
      for (OSNode o : client.resources(OSNode.class).list().getItems()) {
        assertThat(o.getSpec().source().commit()).as(o.getMetadata().getName()).isEqualTo(v2);
        Instruction i = o.getSpec().instruction();
        assertThat(i == null || !v1.equals(i.commit()) || i.action() == NodeAction.Rollback)
            .as(o.getMetadata().getName() + " told to move to v1: " + i)
            .isTrue();
      }
      assertThat(bootsOf(bootsBefore, b -> true)).as("nobody rebooted").isEmpty();
      assertInvariants(watch, bootsBefore);
    }
  }

  @Test
  @Order(4)
  void aNodeDeletedWhileItActivatesFreesItsSlotAndTheRolloutCompletesWithoutIt() {
    String v1 = cluster.repository().v1();
    String v2 = cluster.repository().v2();
    // Back to a clean start: every node on v1, nothing rolled back for the next target.
    setSpec(cluster.image(IMAGE, v1, false, BUDGET).getSpec());
    awaitStatus(s -> v1.equals(s.targetCommit()) && s.phase() == OSImagePhase.Completed);
    int bootsBefore = cluster.boots().size();
    try (RolloutWatch watch =
        new RolloutWatch(client, IMAGE, cluster.workloadReplicas(), System.out::println)) {
      // v2 again: the nodes rolled back from it in the second scenario keep that record, so the
      // retry annotation brings them back into the rollout (as a person would).
      OSImageSpec forward = cluster.image(IMAGE, v2, false, BUDGET).getSpec();
      LocalCluster.editImage(
          client,
          IMAGE,
          i -> {
            i.setSpec(forward);
            Map<String, String> a = new HashMap<>();
            if (i.getMetadata().getAnnotations() != null) {
              a.putAll(i.getMetadata().getAnnotations());
            }
            a.put(OSImage.RETRY_ANNOTATION, "all");
            i.getMetadata().setAnnotations(a);
            return i;
          });
      String[] activating = new String[1];
      await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                activating[0] = null;
                for (OSNode o : client.resources(OSNode.class).list().getItems()) {
                  Instruction i = o.getSpec() != null ? o.getSpec().instruction() : null;
                  String name = o.getMetadata().getName();
                  boolean unfinished =
                      o.getStatus() == null
                          || i == null
                          || !i.id().equals(o.getStatus().lastCompletedInstructionId());
                  if (i != null
                      && i.action() == NodeAction.Activate
                      && v2.equals(i.commit())
                      && unfinished
                      && bootsOf(bootsBefore, b -> b.node().equals(name)).isEmpty()
                      && !bootsOf(bootsBefore, b -> true).isEmpty()) {
                    activating[0] = name;
                  }
                }
                return activating[0] != null;
              });
      System.out.println("[e2e] deleting Node " + activating[0] + " while it activates v2");
      client.nodes().withName(activating[0]).delete();

      OSImage done =
          awaitStatus(s -> v2.equals(s.targetCommit()) && s.phase() == OSImagePhase.Completed);

      assertThat(done.getStatus().nodes().total()).isEqualTo(NODES - 1);
      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES - 1);
      assertThat(done.getStatus().waves())
          .allSatisfy(w -> assertThat(w.nodes()).doesNotContain(activating[0]));
      assertThat(Invariants.blockers(done.getStatus())).isEmpty();
      assertInvariants(watch, bootsBefore);
    }
  }

  private static boolean downgradeRefused(OSImageStatus s) {
    Condition d = degraded(s);
    return d != null && "True".equals(d.getStatus()) && "DowngradeRefused".equals(d.getReason());
  }

  private static Condition degraded(OSImageStatus s) {
    return s.conditionsOrEmpty().stream()
        .filter(c -> "Degraded".equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  /** Canary, then 50% and a pause until resumed, then the rest; {@code rollback} as given. */
  private static OSImageSpec withRollout(OSImageSpec s, boolean rollback) {
    Rollout rollout =
        new Rollout(
            List.of(Wave.of(1), new Wave(new IntOrString("50%"), null, Pause.untilResumedByHand())),
            null,
            new IntOrString(BUDGET),
            true,
            null);
    return new OSImageSpec(
        s.osName(),
        s.source(),
        s.verification(),
        s.nodeSelector(),
        rollout,
        s.drain(),
        s.health(),
        s.failurePolicy(),
        s.paused(),
        s.maintenanceWindows(),
        s.kernelArguments(),
        s.stuckNodes(),
        rollback);
  }

  private static OSImageSpec withSource(OSImageSpec s, String commit) {
    return new OSImageSpec(
        s.osName(),
        new ImageSource(s.source().url(), s.source().ref(), commit),
        s.verification(),
        s.nodeSelector(),
        s.rollout(),
        s.drain(),
        s.health(),
        s.failurePolicy(),
        s.paused(),
        s.maintenanceWindows(),
        s.kernelArguments(),
        s.stuckNodes(),
        s.rollback());
  }

  private static String bootedCommit(SimulatedNode node) {
    try {
      return node.bootedCommit().orElse(null);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Waits for the status of the current generation to satisfy {@code ok}. */
  private static OSImage awaitStatus(Predicate<OSImageStatus> ok) {
    return awaitStatus(DEADLINE, ok);
  }

  private static OSImage awaitStatus(Duration deadline, Predicate<OSImageStatus> ok) {
    await()
        .atMost(deadline)
        .until(
            () -> {
              OSImage image = client.resources(OSImage.class).withName(IMAGE).get();
              OSImageStatus s = image.getStatus();
              return s != null
                  && image.getMetadata().getGeneration().equals(s.observedGeneration())
                  && ok.test(s);
            });
    return client.resources(OSImage.class).withName(IMAGE).get();
  }

  // ---- invariants and helpers

  /** The invariants every scenario must keep, checked over everything the watch and boots saw. */
  private static void assertInvariants(RolloutWatch watch, int bootsBefore) {
    assertThat(watch.maxUnavailable()).as("nodes unavailable at once").isLessThanOrEqualTo(BUDGET);
    assertThat(watch.minReadyPods())
        .as("ready pods of the PDB-protected workload")
        .isGreaterThanOrEqualTo(cluster.workloadMinAvailable());
    List<LocalCluster.Boot> boots = bootsOf(bootsBefore, b -> true);
    assertThat(boots).as("boots of schedulable nodes").allMatch(LocalCluster.Boot::cordoned);
    Map<String, Integer> perCommit = new HashMap<>();
    boots.forEach(b -> perCommit.merge(b.node() + " " + b.commit(), 1, Integer::sum));
    assertThat(perCommit)
        .as("boots per node and commit")
        .allSatisfy((k, v) -> assertThat(v).isOne());
    assertThat(unschedulableNodes()).as("left cordoned").isEmpty();
  }

  private static List<LocalCluster.Boot> bootsOf(int from, Predicate<LocalCluster.Boot> which) {
    List<LocalCluster.Boot> all = cluster.boots();
    return all.subList(from, all.size()).stream().filter(which).toList();
  }

  private static void setSpec(OSImageSpec spec) {
    LocalCluster.editImage(
        client,
        IMAGE,
        i -> {
          i.setSpec(spec);
          return i;
        });
  }

  private static OSImage awaitCompleted(String target) {
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              OSImage image = client.resources(OSImage.class).withName(IMAGE).get();
              assertThat(image.getStatus()).isNotNull();
              assertThat(image.getStatus().targetCommit()).isEqualTo(target);
              assertThat(image.getStatus().observedGeneration())
                  .isEqualTo(image.getMetadata().getGeneration());
              assertThat(image.getStatus().phase())
                  .as(String.valueOf(image.getStatus()))
                  .isEqualTo(OSImagePhase.Completed);
            });
    return client.resources(OSImage.class).withName(IMAGE).get();
  }

  private static List<String> events(String reason) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(e -> e.getMessage())
        .toList();
  }

  private static List<String> unschedulableNodes() {
    return client
        .nodes()
        .withLabels(Map.of(LocalCluster.POOL_LABEL, "demo"))
        .list()
        .getItems()
        .stream()
        .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
        .map((Node n) -> n.getMetadata().getName())
        .toList();
  }
}
