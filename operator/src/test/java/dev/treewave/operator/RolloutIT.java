package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.DrainSpec;
import dev.treewave.api.v1alpha1.DrainTimeoutAction;
import dev.treewave.api.v1alpha1.FailureAction;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.Pause;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.operator.kube.Annotations;
import dev.treewave.operator.rollout.FakeAgentsAccess;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.ControlPlaneOptions;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollouts on a real control plane: kube-apiserver, kube-controller-manager (PDB status,
 * Deployments), kube-scheduler and kwok nodes, with pods under PodDisruptionBudgets, the operator
 * in this JVM (leader-elected) and simulated agents that follow the OSNode contract. A watcher
 * checks the disruption budget continuously, not just at the end.
 */
class RolloutIT {
  static final String TARGET = "f".repeat(64);
  private static final AtomicInteger LEASES = new AtomicInteger();

  private static ControlPlane plane;
  private static KubernetesClient client;

  private ScheduledExecutorService background;
  private BudgetWatcher watcher;
  private OperatorRuntime operator;
  private Runnable agents;

  @BeforeAll
  static void start() throws Exception {
    plane = ControlPlane.start(ControlPlaneOptions.full().withName("RolloutIT"));
    client = plane.client();
    plane.installCrds(
        RolloutIT.class, "/crds/osimages.treewave.dev-v1.yml", "/crds/osnodes.treewave.dev-v1.yml");
    plane.createNamespace("treewave-system");
    plane.createNamespace("apps");
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  @BeforeEach
  void startBackground() {
    background = Executors.newScheduledThreadPool(2);
    agents = FakeAgentsAccess.loop(client);
    background.scheduleWithFixedDelay(agents, 100, 200, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stopEverything() {
    if (operator != null) {
      client.resources(OSImage.class).list().getItems().forEach(i -> client.resource(i).delete());
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> client.resources(OSImage.class).list().getItems().isEmpty());
      operator.close();
    }
    background.shutdownNow();
  }

  @Test
  void rollsTenNodesInWavesWithPauseAndResumeWithinBudget() {
    List<String> nodes = nodes("a", 10);
    workload("web-a", "a", 6, 1);
    watcher = watch("a", 2);
    Rollout rollout =
        new Rollout(
            List.of(Wave.of(1).withPause(Pause.untilResumedByHand()), Wave.of("30%")),
            null,
            new IntOrString(2),
            true);
    create(image("wave-a", "a", rollout, null, null, null));
    operator = startOperator();

    OSImage paused = awaitPhase("wave-a", OSImagePhase.Paused);
    assertThat(paused.getStatus().waves()).hasSize(3);
    assertThat(paused.getStatus().waves().get(0).nodes()).containsExactly("a-00");
    assertThat(reboots("a")).containsExactly("a-00");
    assertThat(condition(paused, "Paused")).contains("treewave.dev/resume-wave=1");

    OSImage resume = client.resources(OSImage.class).withName("wave-a").get();
    resume.getMetadata().getAnnotations().put(OSImage.RESUME_WAVE_ANNOTATION, "1");
    client.resource(resume).update();
    OSImage done = awaitPhase("wave-a", OSImagePhase.Completed);

    assertThat(done.getStatus().nodes().updated()).isEqualTo(10);
    assertThat(reboots(nodes.get(0).substring(0, 1))).containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(watcher.maxUnavailable()).isBetween(1, 2);
    assertThat(watcher.cordonsPerNode()).allSatisfy((n, c) -> assertThat(c).as(n).isEqualTo(1));
    assertThat(unschedulable("a")).isEmpty();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace("apps")
                    .withName("web-a")
                    .get()
                    .getStatus()
                    .getAvailableReplicas(),
            r -> r != null && r == 6);
  }

  @Test
  void nodeFailingItsHealthGateIsRolledBackAndStopsTheRollout() {
    nodes("b", 4);
    for (String n : List.of("b-00", "b-01", "b-02", "b-03")) {
      probePod(n);
    }
    watcher = watch("b", 1);
    OSImage image =
        image(
            "health-b",
            "b",
            null,
            new HealthSpec(
                "20s",
                "0s",
                List.of(new LabelSelectorBuilder().addToMatchLabels("app", "probe").build())),
            new FailurePolicy(FailureAction.Pause, 0),
            null);
    create(image);
    operator = startOperator();

    OSImage failed = awaitPhase("health-b", OSImagePhase.Failed);

    assertThat(failed.getStatus().lastFailure().node()).isEqualTo("b-00");
    assertThat(failed.getStatus().lastFailure().reason()).isEqualTo("HealthGateFailed");
    OSNode canary = client.resources(OSNode.class).withName("b-00").get();
    assertThat(canary.getSpec().instruction().action()).isEqualTo(NodeAction.Rollback);
    await().atMost(Duration.ofMinutes(1)).until(() -> unschedulable("b").isEmpty());
    assertThat(watcher.cordonsPerNode()).containsOnlyKeys("b-00");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace("default").list().getItems())
                    .filteredOn(e -> "health-b".equals(e.getInvolvedObject().getName()))
                    .extracting(e -> e.getReason())
                    .contains("Cordoned", "Activating", "RollingBack", "HealthGateFailed"));
  }

  @Test
  void drainBlockedByAPodDisruptionBudgetTimesOutAndUncordons() {
    nodes("c", 2);
    // Two replicas that may only run on c-00, and a budget that keeps one: the first eviction
    // is allowed, its replacement cannot be scheduled anywhere, so the second is refused (429).
    Node c0 = client.nodes().withName("c-00").get();
    c0.getMetadata().getLabels().put("pin", "c-00");
    client.resource(c0).update();
    workloadOn("pinned-c", Map.of("pin", "c-00"), 2, 1);
    watcher = watch("c", 1);
    OSImage image =
        image(
            "drain-c",
            "c",
            null,
            null,
            null,
            new DrainSpec("15s", 0L, null, null, null, DrainTimeoutAction.Uncordon));
    create(image);
    operator = startOperator();

    OSImage done = awaitPhase("drain-c", OSImagePhase.Completed);

    assertThat(done.getStatus().nodes().skipped()).isEqualTo(1);
    assertThat(done.getStatus().nodes().updated()).isEqualTo(1);
    assertThat(reboots("c")).containsExactly("c-01");
    assertThat(client.nodes().withName("c-00").get().getSpec().getUnschedulable())
        .isNotEqualTo(true);
    assertThat(client.resources(OSNode.class).withName("c-00").get().getMetadata().getAnnotations())
        .containsEntry(Annotations.OUTCOME, "SKIPPED " + TARGET);
    assertThat(condition(done, "Degraded")).contains("1 skipped");
  }

  @Test
  void pdbThatAllowsNoEvictionIsReportedAndTheNodeNeverCordoned() {
    nodes("e", 2);
    Node e0 = client.nodes().withName("e-00").get();
    e0.getMetadata().getLabels().put("pin", "e-00");
    client.resource(e0).update();
    workloadOn("solo-e", Map.of("pin", "e-00"), 1, 1);
    watcher = watch("e", 1);
    create(image("pdb-e", "e", null, null, null, null));
    operator = startOperator();

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              OSImage image = client.resources(OSImage.class).withName("pdb-e").get();
              assertThat(image.getStatus()).isNotNull();
              assertThat(image.getStatus().blockers())
                  .anySatisfy(
                      b -> {
                        assertThat(b.node()).isEqualTo("e-00");
                        assertThat(b.reason()).isEqualTo("DrainWouldBlock");
                        assertThat(b.message())
                            .contains("PodDisruptionBudget solo-e allows 0 disruptions");
                      });
            });
    assertThat(watcher.cordonsPerNode()).isEmpty();
  }

  @Test
  void operatorKilledMidWaveResumesWithoutExceedingTheBudgetOrRepeating() {
    List<String> nodes = nodes("d", 6);
    workload("web-d", "d", 4, 1);
    watcher = watch("d", 2);
    Rollout rollout = new Rollout(List.of(Wave.of(1)), null, new IntOrString(2), true);
    create(image("restart-d", "d", rollout, null, null, null));
    operator = startOperator();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> reboots("d").size() >= 2 && !unschedulable("d").isEmpty());
    operator.close(); // mid-wave: nodes cordoned, some activated
    operator = startOperator();

    awaitPhase("restart-d", OSImagePhase.Completed);

    assertThat(reboots(nodes.get(0).substring(0, 1))).containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(watcher.maxUnavailable()).isLessThanOrEqualTo(2);
    assertThat(watcher.cordonsPerNode()).allSatisfy((n, c) -> assertThat(c).as(n).isEqualTo(1));
  }

  @Test
  void planPreviewShowsWavesAndOrderWithoutTouchingAnything() {
    nodes("f", 4);
    Node f0 = client.nodes().withName("f-00").get();
    f0.getMetadata().getLabels().put("pin", "f-00");
    client.resource(f0).update();
    workloadOn("solo-f", Map.of("pin", "f-00"), 1, 1);
    OSImage image = image("preview-f", "f", null, null, null, null);

    String table = dev.treewave.operator.preview.PlanPreview.render(client, image, TARGET, "f-02");

    assertThat(table).containsPattern("0\\s+1\\s+f-00\\s+PENDING\\s+Stage");
    assertThat(table).containsPattern("1\\s+4\\s+f-02\\s+PENDING");
    assertThat(table).contains("f-02 runs the operator's leader and goes last");
    assertThat(table).contains("Preview only: nothing was changed.");
    assertThat(client.resources(OSNode.class).list().getItems())
        .noneMatch(o -> o.getMetadata().getName().startsWith("f-"));
    assertThat(client.resources(OSImage.class).withName("preview-f").get()).isNull();
    assertThat(unschedulable("f")).isEmpty();
    assertThat(client.nodes().withLabel("pool", "f").list().getItems())
        .allSatisfy(
            n ->
                assertThat(n.getMetadata().getAnnotations())
                    .doesNotContainKey(Annotations.CORDONED_BY));
  }

  // ---------------------------------------------------------------------------------------------

  private OperatorRuntime startOperator() {
    try {
      return OperatorRuntime.start(
          client,
          new OperatorRuntime.Settings(
              "treewave-it-" + LEASES.incrementAndGet(),
              "treewave-system",
              "it-" + LEASES.get(),
              null,
              "default",
              new InetSocketAddress("127.0.0.1", 0),
              false),
          source -> source.commit(),
          Clock.systemUTC());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> nodes(String pool, int count) {
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = String.format("%s-%02d", pool, i);
      plane.kwokNodes().createReady(name, Map.of("pool", pool, Annotations.ZONE_LABEL, "z1"));
      names.add(name);
    }
    return names;
  }

  private void workload(String name, String pool, int replicas, int maxUnavailable) {
    workloadOn(name, Map.of("pool", pool), replicas, maxUnavailable);
  }

  private void workloadOn(
      String name, Map<String, String> selector, int replicas, int minAvailable) {
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("apps")
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
                .withNodeSelector(selector)
                .addToTolerations(dev.treewave.testing.kube.KwokNodes.toleration())
                .addNewContainer()
                .withName("app")
                .withImage("registry.invalid/app:1")
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
                .withName(name)
                .withNamespace("apps")
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(new IntOrString(minAvailable))
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .endSpec()
                .build())
        .create();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              var d = client.apps().deployments().inNamespace("apps").withName(name).get();
              var pdb =
                  client
                      .policy()
                      .v1()
                      .podDisruptionBudget()
                      .inNamespace("apps")
                      .withName(name)
                      .get();
              return d.getStatus() != null
                  && Integer.valueOf(replicas).equals(d.getStatus().getAvailableReplicas())
                  && pdb.getStatus() != null
                  && pdb.getStatus().getObservedGeneration() != null;
            });
  }

  /**
   * A bare pod the health gate selects. The drain evicts it and nothing recreates it, so the first
   * node drained can never show a Ready probe again: its health gate must fail.
   */
  private void probePod(String node) {
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("probe-" + node)
                .withNamespace("apps")
                .addToLabels("app", "probe")
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addToTolerations(dev.treewave.testing.kube.KwokNodes.toleration())
                .addNewContainer()
                .withName("probe")
                .withImage("registry.invalid/probe:1")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private static OSImage image(
      String name,
      String pool,
      Rollout rollout,
      HealthSpec health,
      FailurePolicy failure,
      DrainSpec drain) {
    return new OSImage(
        name,
        new OSImageSpec(
            "fedora",
            new ImageSource("https://repo.example.com/ostree", "fedora/41/x86_64", TARGET),
            new Verification(VerificationMode.Disabled, null),
            new LabelSelectorBuilder().addToMatchLabels("pool", pool).build(),
            rollout,
            drain,
            health != null ? health : new HealthSpec(null, "0s", null),
            failure,
            null,
            null,
            null));
  }

  private static void create(OSImage image) {
    client.resource(image).create();
  }

  private static OSImage awaitPhase(String name, OSImagePhase phase) {
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              OSImage image = client.resources(OSImage.class).withName(name).get();
              assertThat(image.getStatus()).as(name + " status").isNotNull();
              assertThat(image.getStatus().phase())
                  .as(name + " phase: " + image.getStatus())
                  .isEqualTo(phase);
            });
    return client.resources(OSImage.class).withName(name).get();
  }

  private static String condition(OSImage image, String type) {
    return image.getStatus().conditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + " " + c.getReason() + ": " + c.getMessage())
        .findFirst()
        .orElse("");
  }

  /** Reboots the simulated agents did in one pool (the agents serve the whole cluster). */
  private static List<String> reboots(String pool) {
    return FakeAgentsAccess.reboots(client).stream().filter(n -> n.startsWith(pool + "-")).toList();
  }

  private static List<String> unschedulable(String pool) {
    return client.nodes().withLabel("pool", pool).list().getItems().stream()
        .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
        .map(n -> n.getMetadata().getName())
        .toList();
  }

  private BudgetWatcher watch(String pool, int budget) {
    BudgetWatcher w = new BudgetWatcher(pool, budget);
    background.scheduleWithFixedDelay(w, 0, 25, TimeUnit.MILLISECONDS);
    return w;
  }

  /**
   * Polls the pool's Nodes all the time: the most that were unavailable at once, and how often each
   * went from schedulable to cordoned. Fails the test from inside if the budget is exceeded.
   */
  private static final class BudgetWatcher implements Runnable {
    private final String pool;
    private final int budget;
    private final AtomicInteger max = new AtomicInteger();
    private final Map<String, Boolean> last = new ConcurrentHashMap<>();
    private final Map<String, Integer> cordons = new ConcurrentHashMap<>();
    private volatile String violation;

    BudgetWatcher(String pool, int budget) {
      this.pool = pool;
      this.budget = budget;
    }

    @Override
    public void run() {
      try {
        int unavailable = 0;
        for (Node n : client.nodes().withLabel("pool", pool).list().getItems()) {
          boolean cordoned = Boolean.TRUE.equals(n.getSpec().getUnschedulable());
          if (cordoned || !dev.treewave.testing.kube.KwokNodes.isReady(n)) {
            unavailable++;
          }
          Boolean before = last.put(n.getMetadata().getName(), cordoned);
          if (cordoned && !Boolean.TRUE.equals(before)) {
            cordons.merge(n.getMetadata().getName(), 1, Integer::sum);
          }
        }
        max.accumulateAndGet(unavailable, Math::max);
        if (unavailable > budget && violation == null) {
          violation = unavailable + " unavailable with a budget of " + budget;
        }
      } catch (RuntimeException e) {
        // the next poll looks again
      }
    }

    int maxUnavailable() {
      assertThat(violation).as("disruption budget").isNull();
      return max.get();
    }

    Map<String, Integer> cordonsPerNode() {
      assertThat(violation).as("disruption budget").isNull();
      return Map.copyOf(cordons);
    }
  }
}
