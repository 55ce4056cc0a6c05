package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.DrainSpec;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.MaintenanceWindow;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.operator.kube.Annotations;
import dev.treewave.operator.kube.PodFilters;
import dev.treewave.operator.rollout.FakeAgentsAccess;
import dev.treewave.testing.kube.ConflictRetry;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.KwokNodes;
import dev.treewave.testing.kube.ProtectedWorkload;
import dev.treewave.testing.kube.TreewavePlane;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every rollout IT needs on the real control plane (kube-apiserver, controller-manager,
 * scheduler, kwok): the CRDs, node pools, PDB-protected workloads, the operator in this JVM
 * (leader-elected), simulated agents that follow the OSNode contract, and a watcher that checks the
 * disruption budget continuously. A test class registers one as a JUnit extension in a static field
 * ({@code @RegisterExtension static final RolloutFixture fx = new RolloutFixture();}): it starts
 * the control plane before the class, the simulated agents before each test, releases everything
 * after each test, and stops every process it started after the class.
 *
 * <p>The control plane with CRDs and namespaces, the PDB-protected workloads and conflict-retrying
 * edits are test-support's ({@link TreewavePlane}, {@link ProtectedWorkload}, {@link
 * ConflictRetry}), shared with e2e-kind's {@code LocalCluster}. What stays here is what only the
 * operator's ITs use: scripted agents ({@link dev.treewave.operator.rollout.FakeAgents}, operator
 * test code that test-support, below the operator, cannot hold), pools, tenants, DaemonSets and a
 * budget watcher, so each IT stays seconds long; {@code LocalCluster} runs real agents on real
 * sysroots for the E2Es and the demo.
 */
final class RolloutFixture
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  static final String TARGET = "f".repeat(64);
  private static final AtomicInteger LEASES = new AtomicInteger();

  private ControlPlane plane;
  private KubernetesClient client;
  private ScheduledExecutorService background;
  private OperatorRuntime operator;

  /** The control plane's client; set once the test class has started. */
  KubernetesClient client() {
    return client;
  }

  /** Starts the control plane, named after the test class, with the CRDs and namespaces. */
  @Override
  public void beforeAll(ExtensionContext context) {
    plane = TreewavePlane.start(context.getRequiredTestClass().getSimpleName(), null);
    client = plane.client();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (plane != null) {
      plane.close();
      plane = null;
    }
  }

  /**
   * A new namespace and a client for its admin: a ServiceAccount bound there to the built-in {@code
   * admin} ClusterRole, which is what a tenant with namespace rights gets.
   */
  KubernetesClient tenantAdmin(String namespace) {
    plane.createNamespace(namespace);
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("tenant-admin")
                .withNamespace(namespace)
                .endMetadata()
                .build())
        .create();
    client
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("tenant-admin")
                .withNamespace(namespace)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "admin")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("tenant-admin")
                .withNamespace(namespace)
                .endSubject()
                .build())
        .create();
    return plane.serviceAccountClient(namespace, "tenant-admin");
  }

  /** Starts the simulated agents (they serve every OSNode in the cluster). */
  @Override
  public void beforeEach(ExtensionContext context) {
    background = Executors.newScheduledThreadPool(3);
    background.scheduleWithFixedDelay(
        FakeAgentsAccess.loop(client), 100, 200, TimeUnit.MILLISECONDS);
  }

  /** Deletes the OSImages (the operator releases their nodes), then stops operator and agents. */
  @Override
  public void afterEach(ExtensionContext context) {
    try {
      if (operator != null) {
        client.resources(OSImage.class).list().getItems().forEach(i -> client.resource(i).delete());
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> client.resources(OSImage.class).list().getItems().isEmpty());
      }
    } finally {
      stopOperator();
      if (background != null) {
        background.shutdownNow();
        background = null;
      }
      FakeAgentsAccess.onReboot(client, node -> {});
    }
  }

  /** Runs {@code task} every {@code periodMillis} until the test ends. */
  void every(long periodMillis, Runnable task) {
    background.scheduleWithFixedDelay(task, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  OperatorRuntime startOperator() {
    return startOperator(Clock.systemUTC());
  }

  /** Starts the operator (stopping a running one first) with {@code clock} as its time source. */
  OperatorRuntime startOperator(Clock clock) {
    return startOperator(clock, false);
  }

  /**
   * As {@link #startOperator(Clock)}; {@code allowForceDelete} as the chart's
   * operator.drain.allowForceDelete passes it.
   */
  OperatorRuntime startOperator(Clock clock, boolean allowForceDelete) {
    stopOperator();
    try {
      operator =
          OperatorRuntime.start(
              client,
              new OperatorRuntime.Settings(
                  "treewave-it-" + LEASES.incrementAndGet(),
                  "treewave-system",
                  "it-" + LEASES.get(),
                  null,
                  "default",
                  new InetSocketAddress("127.0.0.1", 0),
                  false,
                  OperatorRuntime.LeaseTimings.DEFAULT,
                  allowForceDelete),
              dev.treewave.operator.rollout.CommitResolver.pinned(),
              clock);
      return operator;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the operator as a crash would leave things: nothing released. */
  void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  List<String> nodes(String pool, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = String.format("%s-%02d", pool, i);
      plane.kwokNodes().createReady(name, Map.of("pool", pool, Annotations.ZONE_LABEL, "z1"));
      names.add(name);
    }
    return names;
  }

  /**
   * Sets one label as a merge patch: no resourceVersion, so it never fails with a conflict while
   * kwok or the operator writes the same Node (an edit did, now and then).
   */
  void label(String node, String key, String value) {
    client
        .nodes()
        .withName(node)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(Map.of("metadata", Map.of("labels", Map.of(key, value)))));
  }

  /**
   * Changes an OSImage as {@code kubectl edit} would, retrying on a write conflict: the operator's
   * status writes move its resourceVersion at any time.
   */
  void editImage(String name, UnaryOperator<OSImage> change) {
    ConflictRetry.edit(client.resources(OSImage.class).withName(name), change);
  }

  void workload(String name, String pool, int replicas, int minAvailable) {
    workloadOn(name, Map.of("pool", pool), replicas, minAvailable);
  }

  /** A Deployment on the selected nodes with a PDB keeping {@code minAvailable}, all available. */
  void workloadOn(String name, Map<String, String> selector, int replicas, int minAvailable) {
    ProtectedWorkload.of("apps", name, replicas, minAvailable)
        .onKwokNodes(selector)
        .createAndAwait(client);
  }

  /** A DaemonSet on the pool's nodes; returns once every node of the pool runs a Ready pod. */
  void daemonSet(String namespace, String name, String pool) {
    daemonSet(client, namespace, name, pool);
  }

  /** As {@link #daemonSet(String, String, String)}, created by the identity {@code as}. */
  void daemonSet(KubernetesClient as, String namespace, String name, String pool) {
    as.resource(
            new DaemonSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .withNodeSelector(Map.of("pool", pool))
                .addToTolerations(KwokNodes.toleration())
                .addNewContainer()
                .withName("agent")
                .withImage("registry.invalid/agent:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    int nodes = client.nodes().withLabel("pool", pool).list().getItems().size();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                client
                        .pods()
                        .inNamespace(namespace)
                        .withLabel("app", name)
                        .list()
                        .getItems()
                        .stream()
                        .filter(PodFilters::isReady)
                        .count()
                    == nodes);
  }

  Pod podOn(String namespace, String app, String node) {
    return client.pods().inNamespace(namespace).withLabel("app", app).list().getItems().stream()
        .filter(p -> node.equals(p.getSpec().getNodeName()))
        .findFirst()
        .orElseThrow();
  }

  /** Writes what a kubelet reports for a running pod whose readiness probe fails. */
  void markNotReady(Pod pod) {
    String now = Instant.now().toString();
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              List<PodCondition> conditions = new ArrayList<>();
              for (PodCondition c : p.getStatus().getConditions()) {
                boolean readiness =
                    c.getType().equals("Ready") || c.getType().equals("ContainersReady");
                conditions.add(
                    readiness
                        ? new PodConditionBuilder(c)
                            .withStatus("False")
                            .withReason("ContainersNotReady")
                            .withLastTransitionTime(now)
                            .build()
                        : c);
              }
              p.getStatus().setConditions(conditions);
              p.getStatus().getContainerStatuses().forEach(s -> s.setReady(false));
              return p;
            });
  }

  static OSImage image(
      String name,
      String pool,
      Rollout rollout,
      HealthSpec health,
      FailurePolicy failure,
      DrainSpec drain) {
    return image(name, pool, TARGET, rollout, health, failure, drain, null);
  }

  static OSImage image(
      String name,
      String pool,
      String commit,
      Rollout rollout,
      HealthSpec health,
      FailurePolicy failure,
      DrainSpec drain,
      List<MaintenanceWindow> windows) {
    return new OSImage(
        name,
        new OSImageSpec(
            "fedora",
            new ImageSource("https://repo.example.com/ostree", "fedora/41/x86_64", commit),
            new Verification(VerificationMode.Disabled, null),
            new LabelSelectorBuilder().addToMatchLabels("pool", pool).build(),
            rollout,
            drain,
            health != null ? health : new HealthSpec(null, "0s"),
            failure,
            null,
            windows,
            null,
            null));
  }

  /** The same OSImage with another node selector. */
  static OSImage selecting(OSImage image, LabelSelector selector) {
    OSImageSpec s = image.getSpec();
    return new OSImage(
        image.getMetadata().getName(),
        new OSImageSpec(
            s.osName(),
            s.source(),
            s.verification(),
            selector,
            s.rollout(),
            s.drain(),
            s.health(),
            s.failurePolicy(),
            s.paused(),
            s.maintenanceWindows(),
            s.kernelArguments(),
            null));
  }

  void create(OSImage image) {
    client.resource(image).create();
  }

  OSImage get(String name) {
    return client.resources(OSImage.class).withName(name).get();
  }

  OSImage awaitPhase(String name, OSImagePhase phase) {
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              OSImage image = get(name);
              assertThat(image.getStatus()).as(name + " status").isNotNull();
              assertThat(image.getStatus().phase())
                  .as(name + " phase: " + image.getStatus())
                  .isEqualTo(phase);
            });
    return get(name);
  }

  /** "Status Reason: message" of a condition, or "" when absent. */
  static String condition(OSImage image, String type) {
    return image.getStatus().conditionsOrEmpty().stream()
        .filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + " " + c.getReason() + ": " + c.getMessage())
        .findFirst()
        .orElse("");
  }

  /** Reboots the simulated agents did in one pool (the agents serve the whole cluster). */
  List<String> reboots(String pool) {
    return FakeAgentsAccess.reboots(client).stream().filter(n -> n.startsWith(pool + "-")).toList();
  }

  List<String> unschedulable(String pool) {
    return client.nodes().withLabel("pool", pool).list().getItems().stream()
        .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
        .map(n -> n.getMetadata().getName())
        .toList();
  }

  /** Starts checking the pool's disruption budget every 25 ms until the test ends. */
  BudgetWatcher watch(String pool, int budget) {
    BudgetWatcher w = new BudgetWatcher(client, pool, budget);
    every(25, w);
    return w;
  }

  /**
   * Polls the pool's Nodes all the time: the most that were unavailable at once, and how often each
   * went from schedulable to cordoned. Remembers a budget breach; the accessors fail the test.
   */
  static final class BudgetWatcher implements Runnable {
    private final KubernetesClient client;
    private final String pool;
    private final int budget;
    private final AtomicInteger max = new AtomicInteger();
    private final Map<String, Boolean> last = new ConcurrentHashMap<>();
    private final Map<String, Integer> cordons = new ConcurrentHashMap<>();
    private volatile String violation;

    BudgetWatcher(KubernetesClient client, String pool, int budget) {
      this.client = client;
      this.pool = pool;
      this.budget = budget;
    }

    @Override
    public void run() {
      try {
        int unavailable = 0;
        for (Node n : client.nodes().withLabel("pool", pool).list().getItems()) {
          boolean cordoned = Boolean.TRUE.equals(n.getSpec().getUnschedulable());
          if (cordoned || !KwokNodes.isReady(n)) {
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
