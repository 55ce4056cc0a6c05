package dev.treewave.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.FailureAction;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.api.v1alpha1.WaveState;
import dev.treewave.testing.Processes;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole system on this machine ({@link LocalCluster}): the real control plane with five kwok
 * nodes and a PDB-protected Deployment, the operator, and one node agent per node managing its own
 * scratch OSTree sysroot through {@code OstreeHostOs}, pulling ed25519-signed commits over HTTP
 * from 127.0.0.1. The tests run in order on one cluster: v1 → v2 with a pause after the canary,
 * then back to v1 by pinning the old commit again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRolloutE2E {

  private static final int NODES = 5;
  private static final String IMAGE = "fleet-os";

  private static LocalCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    Path work = Files.createTempDirectory(Path.of("target"), "local-cluster-");
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
  void rollsV2OutInWavesCanaryFirstPausedUntilResumedWithinTheDisruptionBudget() throws Exception {
    String v1 = cluster.repository().v1();
    String v2 = cluster.repository().v2();
    for (SimulatedNode node : cluster.nodes()) {
      assertThat(node.bootedCommit()).as(node.name()).contains(v1);
    }
    try (RolloutWatch watch =
        new RolloutWatch(client, IMAGE, cluster.workloadReplicas(), System.out::println)) {
      client.resource(cluster.image(IMAGE, v2, true, 1)).create();

      OSImage paused = awaitPhase(OSImagePhase.Paused);
      List<String> canary = paused.getStatus().waves().get(0).nodes();
      assertThat(canary).hasSize(1);
      assertThat(paused.getStatus().waves().get(0).state()).isEqualTo(WaveState.Paused);
      for (SimulatedNode node : cluster.nodes()) {
        String expected = canary.contains(node.name()) ? v2 : v1;
        assertThat(node.bootedCommit()).as(node.name() + " while paused").contains(expected);
      }
      // Prefetch: the nodes not yet allowed to reboot already hold v2, staged and locked.
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () -> {
                for (SimulatedNode node : cluster.nodes()) {
                  if (!canary.contains(node.name())) {
                    assertThat(osNode(node.name()).getStatus().deploymentsOrEmpty())
                        .as(node.name())
                        .anySatisfy(
                            d -> {
                              assertThat(d.commit()).isEqualTo(v2);
                              assertThat(d.isStaged()).isTrue();
                            });
                    assertThat(node.defaultCommit()).as(node.name()).isEqualTo(v1);
                  }
                }
              });

      LocalCluster.editImage(
          client,
          IMAGE,
          resume -> {
            resume.getMetadata().getAnnotations().put(OSImage.RESUME_WAVE_ANNOTATION, "1");
            return resume;
          });
      OSImage done = awaitPhase(OSImagePhase.Completed);

      assertThat(done.getStatus().nodes().updated()).isEqualTo(NODES);
      assertThat(done.getStatus().waves()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(watch.maxUnavailable()).as("nodes unavailable at once").isEqualTo(1);
      assertThat(watch.minReadyPods())
          .as("ready pods of the PDB-protected workload")
          .isGreaterThanOrEqualTo(cluster.workloadMinAvailable());
      assertThat(watch.cordonsPerNode())
          .hasSize(NODES)
          .allSatisfy((n, c) -> assertThat(c).as(n).isEqualTo(1));
    }
    assertEveryNodeBootedAndReports(v2, 2);
    assertThat(unschedulableNodes()).isEmpty();
    assertEveryNodesDeploymentKeepsTheFileCapability(v2);
  }

  @Test
  @Order(2)
  void pinningTheOldCommitAgainRollsEveryNodeBackWithoutDownloadingAnything() throws Exception {
    String v1 = cluster.repository().v1();
    long downloadsBefore = cluster.repository().objectDownloads();
    try (RolloutWatch watch =
        new RolloutWatch(client, IMAGE, cluster.workloadReplicas(), System.out::println)) {
      OSImage image = client.resources(OSImage.class).withName(IMAGE).get();
      // A GitOps revert: the same OSImage pins the old commit again.
      var spec = cluster.image(IMAGE, v1, false, 1).getSpec();
      LocalCluster.editImage(
          client,
          IMAGE,
          i -> {
            i.setSpec(spec);
            return i;
          });
      awaitTarget(v1, image.getMetadata().getGeneration());
      OSImage done = awaitPhase(OSImagePhase.Completed);

      assertThat(done.getStatus().targetCommit()).isEqualTo(v1);
      assertThat(watch.maxUnavailable()).isLessThanOrEqualTo(1);
      assertThat(watch.minReadyPods()).isGreaterThanOrEqualTo(cluster.workloadMinAvailable());
    }
    assertEveryNodeBootedAndReports(v1, 3);
    assertThat(cluster.repository().objectDownloads())
        .as("v1 was still on every node as the rollback deployment")
        .isEqualTo(downloadsBefore);
  }

  @Test
  @Order(3)
  void aCanaryFailingItsHealthGateIsRolledBackToThePreviousDeploymentAndTheRolloutStops()
      throws Exception {
    String v1 = cluster.repository().v1();
    String v2 = cluster.repository().v2();
    // A pod on every node that the health gate watches and that never becomes ready.
    for (SimulatedNode node : cluster.nodes()) {
      client
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName("probe-" + node.name())
                  .withNamespace(LocalCluster.APPS_NAMESPACE)
                  .addToLabels("app", "probe")
                  .endMetadata()
                  .withNewSpec()
                  .withNodeName(node.name())
                  .addNewReadinessGate()
                  .withConditionType("example.com/never")
                  .endReadinessGate()
                  .addNewContainer()
                  .withName("probe")
                  .withImage("registry.invalid/probe:1")
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
    }
    Map<String, Integer> bootsBefore = new java.util.HashMap<>();
    cluster.nodes().forEach(n -> bootsBefore.put(n.name(), n.boots()));
    OSImageSpec base = cluster.image(IMAGE, v2, false, 1).getSpec();
    OSImageSpec guarded =
        new OSImageSpec(
            base.osName(),
            base.source(),
            base.verification(),
            base.nodeSelector(),
            base.rollout(),
            base.drain(),
            new HealthSpec(
                "20s",
                "0s",
                List.of(new LabelSelectorBuilder().addToMatchLabels("app", "probe").build()),
                List.of(LocalCluster.APPS_NAMESPACE)),
            new FailurePolicy(FailureAction.Rollback, 0),
            null,
            null,
            null,
            null);
    try (RolloutWatch watch =
        new RolloutWatch(client, IMAGE, cluster.workloadReplicas(), System.out::println)) {
      LocalCluster.editImage(
          client,
          IMAGE,
          i -> {
            i.setSpec(guarded);
            return i;
          });
      OSImage failed = awaitPhase(OSImagePhase.Failed);
      String canary = failed.getStatus().lastFailure().node();
      assertThat(failed.getStatus().lastFailure().reason()).isEqualTo("HealthGateFailed");
      assertThat(failed.getStatus().waves().get(0).nodes()).containsExactly(canary);
      assertThat(osNode(canary).getSpec().instruction().action()).isEqualTo(NodeAction.Rollback);

      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () -> {
                for (SimulatedNode node : cluster.nodes()) {
                  OSNodeStatus status = osNode(node.name()).getStatus();
                  assertThat(node.bootedCommit()).as(node.name()).contains(v1);
                  assertThat(status.booted())
                      .as(node.name() + " reports a booted commit")
                      .isNotNull();
                  assertThat(status.booted().commit()).as(node.name()).isEqualTo(v1);
                  assertThat(status.booted().bootId()).as(node.name()).isEqualTo(node.bootId());
                  // The canary booted v2, then was rolled back; nobody else rebooted.
                  int expected =
                      bootsBefore.get(node.name()) + (node.name().equals(canary) ? 2 : 0);
                  assertThat(node.boots()).as(node.name() + " boots").isEqualTo(expected);
                }
                assertThat(unschedulableNodes()).isEmpty();
              });
      assertThat(watch.maxUnavailable()).isLessThanOrEqualTo(1);
      assertThat(watch.minReadyPods()).isGreaterThanOrEqualTo(cluster.workloadMinAvailable());
    }
  }

  @Test
  @Order(4)
  void aCommitSignedByAnUntrustedKeyIsRefusedByEveryAgentAndNoNodeIsDisrupted() throws Exception {
    String v1 = cluster.repository().v1();
    String untrusted = cluster.repository().untrusted();
    client
        .pods()
        .inNamespace(LocalCluster.APPS_NAMESPACE)
        .withLabel("app", "probe")
        .withGracePeriod(0)
        .delete();
    Map<String, Integer> bootsBefore = new java.util.HashMap<>();
    cluster.nodes().forEach(n -> bootsBefore.put(n.name(), n.boots()));
    OSImageSpec spec = cluster.image(IMAGE, untrusted, false, 1).getSpec();
    try (RolloutWatch watch =
        new RolloutWatch(client, IMAGE, cluster.workloadReplicas(), System.out::println)) {
      LocalCluster.editImage(
          client,
          IMAGE,
          i -> {
            i.setSpec(spec);
            return i;
          });
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () -> {
                for (SimulatedNode node : cluster.nodes()) {
                  OSNodeStatus status = osNode(node.name()).getStatus();
                  assertThat(status.lastError()).as(node.name() + " error").isNotNull();
                  assertThat(status.lastError().reason()).isEqualTo("SignatureInvalid");
                }
              });
      assertThat(watch.cordonsPerNode()).as("nodes cordoned").isEmpty();
    }
    for (SimulatedNode node : cluster.nodes()) {
      assertThat(node.bootedCommit()).as(node.name()).contains(v1);
      assertThat(node.defaultCommit()).as(node.name()).isEqualTo(v1);
      assertThat(node.boots()).as(node.name()).isEqualTo(bootsBefore.get(node.name()));
      assertThat(
              Files.exists(
                  node.root()
                      .resolve(
                          "ostree/repo/objects/"
                              + untrusted.substring(0, 2)
                              + "/"
                              + untrusted.substring(2)
                              + ".commit")))
          .as(node.name() + " stored the untrusted commit")
          .isFalse();
    }
    assertThat(client.resources(OSImage.class).withName(IMAGE).get().getStatus().phase())
        .isNotEqualTo(OSImagePhase.Completed);
  }

  /** OSNode status, the sysroot's own view and the simulated machine all agree on the commit. */
  private static void assertEveryNodeBootedAndReports(String commit, int boots) {
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              for (SimulatedNode node : cluster.nodes()) {
                OSNodeStatus status = osNode(node.name()).getStatus();
                assertThat(node.bootedCommit()).as(node.name() + " sysroot").contains(commit);
                assertThat(status.booted())
                    .as(node.name() + " reports a booted commit")
                    .isNotNull();
                assertThat(node.defaultCommit()).as(node.name() + " default").isEqualTo(commit);
                assertThat(status.booted().commit()).as(node.name() + " status").isEqualTo(commit);
                assertThat(status.booted().bootId()).as(node.name()).isEqualTo(node.bootId());
                assertThat(node.boots()).as(node.name() + " boots").isEqualTo(boots);
                assertThat(status.deploymentsOrEmpty())
                    .as(node.name() + " deployments")
                    .anySatisfy(
                        d -> {
                          assertThat(d.commit()).isEqualTo(commit);
                          assertThat(d.isBooted()).isTrue();
                        });
              }
            });
  }

  /**
   * ping's {@code cap_net_raw} went from the image's archive repository through each node's pull
   * into its bare system repository and onto the deployed file: without it, ping breaks on every
   * node the rollout touches.
   */
  private static void assertEveryNodesDeploymentKeepsTheFileCapability(String commit)
      throws Exception {
    assertThat(OsRepository.isRoot()).as("the e2e tests run as root, as CI does").isTrue();
    for (SimulatedNode node : cluster.nodes()) {
      Path deployments = node.root().resolve("ostree/deploy");
      List<Path> pings;
      try (var s = Files.walk(deployments, 4)) {
        pings =
            s.filter(p -> p.getFileName().toString().startsWith(commit + "."))
                .filter(Files::isDirectory) // not its .origin file
                .map(p -> p.resolve("usr/bin/ping"))
                .toList();
      }
      assertThat(pings).as(node.name() + " deployments of " + commit).hasSize(1);
      Processes.Result getfattr =
          Processes.run(
              new ProcessBuilder(
                      "getfattr",
                      "--absolute-names",
                      "-e",
                      "hex",
                      "-n",
                      OsRepository.CAPABILITY_XATTR,
                      pings.get(0).toString())
                  .redirectErrorStream(true),
              Duration.ofMinutes(1));
      String value = getfattr.stdout().strip();
      assertThat(getfattr.exitCode()).as(node.name() + ": " + value).isZero();
      assertThat(value)
          .as(node.name())
          .contains(OsRepository.CAPABILITY_XATTR + "=" + OsRepository.NET_RAW_CAPABILITY);
    }
  }

  private static OSNode osNode(String name) {
    return client.resources(OSNode.class).withName(name).get();
  }

  private static void awaitTarget(String commit, Long oldGeneration) {
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              OSImage image = client.resources(OSImage.class).withName(IMAGE).get();
              return image.getStatus() != null
                  && commit.equals(image.getStatus().targetCommit())
                  && image.getStatus().observedGeneration() != null
                  && image.getStatus().observedGeneration() > oldGeneration;
            });
  }

  private static OSImage awaitPhase(OSImagePhase phase) {
    await()
        .atMost(Duration.ofMinutes(5))
        .untilAsserted(
            () -> {
              OSImage image = client.resources(OSImage.class).withName(IMAGE).get();
              assertThat(image.getStatus()).isNotNull();
              assertThat(image.getStatus().phase())
                  .as(String.valueOf(image.getStatus()))
                  .isEqualTo(phase);
            });
    return client.resources(OSImage.class).withName(IMAGE).get();
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
