package dev.treewave.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.FailureAction;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.operator.PodsOnNode;
import dev.treewave.operator.kube.Annotations;
import dev.treewave.operator.kube.Drainer;
import dev.treewave.operator.kube.KubeRolloutCluster;
import dev.treewave.operator.metrics.RolloutMetrics;
import dev.treewave.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reconciler with its real Kubernetes adapters, on the Fabric8 mock API server. */
@EnableKubernetesMockClient(crud = true)
public class OSImageReconcilerTest {
  static final String TARGET = "b".repeat(64);

  KubernetesMockServer server;
  KubernetesClient client;

  private MutableClock clock;
  private FakeAgents agents;
  private OSImageReconciler reconciler;
  private KubeRolloutCluster cluster;
  private RolloutMetrics metrics;
  private EventSink sink;
  private final List<String> events = new ArrayList<>();

  @BeforeEach
  void setUp() {
    clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    agents = new FakeAgents(client);
    cluster =
        new KubeRolloutCluster(
            client, new Drainer(client, clock, node -> PodsOnNode.list(client, node)));
    metrics = new RolloutMetrics(new SimpleMeterRegistry());
    sink =
        new EventSink() {
          @Override
          public void normal(OSImage image, String reason, String message) {
            events.add(reason + ": " + message);
          }

          @Override
          public void warning(OSImage image, String reason, String message) {
            events.add(reason + ": " + message);
          }
        };
    RolloutService service =
        new RolloutService(
            cluster,
            dev.treewave.operator.rollout.CommitResolver.pinned(),
            sink,
            metrics,
            clock,
            () -> null);
    reconciler = new OSImageReconciler(service, cluster, metrics);
    for (String name : List.of("node-a", "node-b", "node-c")) {
      client.resource(node(name, Map.of("pool", "worker"))).create();
    }
    client.resource(node("control", Map.of("pool", "control"))).create();
  }

  @Test
  void rollsEveryWorkerOutAndLeavesOtherNodesAlone() {
    client.resource(image("fedora", null)).create();

    OSImage done = reconcileUntil(OSImagePhase.Completed, 40);

    assertThat(done.getStatus().targetCommit()).isEqualTo(TARGET);
    assertThat(done.getStatus().targetVersion()).isEqualTo("41.1");
    assertThat(done.getStatus().nodes().updated()).isEqualTo(3);
    assertThat(agents.reboots).containsExactly("node-a", "node-b", "node-c");
    assertThat(client.resources(OSNode.class).withName("control").get()).isNull();
    for (String n : List.of("node-a", "node-b", "node-c")) {
      Node node = client.nodes().withName(n).get();
      assertThat(node.getSpec().getUnschedulable()).isFalse();
      assertThat(node.getMetadata().getAnnotations()).doesNotContainKey(Annotations.CORDONED_BY);
      OSNode osNode = client.resources(OSNode.class).withName(n).get();
      assertThat(osNode.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("Node");
      assertThat(osNode.getSpec().source().commit()).isEqualTo(TARGET);
    }
    assertThat(condition(done, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(done, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(done, "Stalled").getStatus()).isEqualTo("False");
    assertThat(condition(done, "Ready").getObservedGeneration())
        .isEqualTo(done.getMetadata().getGeneration());
    assertThat(events).anyMatch(e -> e.startsWith("Cordoned: node-a"));
    assertThat(events).anyMatch(e -> e.startsWith("RolloutCompleted"));
  }

  @Test
  void onlyOneNodeIsCordonedAtATimeByDefault() {
    client.resource(image("fedora", null)).create();
    for (int i = 0; i < 30; i++) {
      reconcileOnce();
      long cordoned =
          client.nodes().list().getItems().stream()
              .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
              .count();
      assertThat(cordoned).isLessThanOrEqualTo(1);
      agents.act();
      clock.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void failedCanaryIsRolledBackAndTheRolloutStalls() {
    agents.failing.add("node-a");
    client.resource(image("fedora", new FailurePolicy(FailureAction.Pause, 0))).create();

    OSImage failed = reconcileUntil(OSImagePhase.Failed, 40);

    OSNode canary = client.resources(OSNode.class).withName("node-a").get();
    assertThat(canary.getSpec().instruction().action()).isEqualTo(NodeAction.Rollback);
    assertThat(canary.getMetadata().getAnnotations().get(Annotations.OUTCOME))
        .startsWith("FAILED ");
    assertThat(failed.getStatus().lastFailure().node()).isEqualTo("node-a");
    assertThat(failed.getStatus().lastFailure().reason()).isEqualTo("ActivationFailed");
    assertThat(condition(failed, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(failed, "Ready").getStatus()).isEqualTo("False");
    for (int i = 0; i < 5; i++) {
      reconcileOnce();
      agents.act();
    }
    assertThat(client.nodes().withName("node-a").get().getSpec().getUnschedulable()).isFalse();
    assertThat(client.nodes().withName("node-b").get().getSpec().getUnschedulable())
        .isNotEqualTo(true);
    assertThat(agents.reboots).doesNotContain("node-b", "node-c");
    assertThat(events).anyMatch(e -> e.startsWith("RolloutFailed"));
  }

  @Test
  void invalidSpecIsReportedAsStalledWithTheField() {
    OSImage bad = image("fedora", null);
    bad =
        new OSImage(
            "fedora",
            new OSImageSpec(
                "fedora",
                bad.getSpec().source(),
                bad.getSpec().verification(),
                null,
                null,
                null,
                new HealthSpec("soon", null),
                null,
                null,
                null,
                null,
                null));
    client.resource(bad).create();

    OSImage after = reconcileOnce();

    Condition stalled = condition(after, "Stalled");
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("InvalidSpec");
    assertThat(stalled.getMessage()).contains("spec.health.timeout").contains("\"soon\"");
    assertThat(client.resources(OSNode.class).list().getItems()).isEmpty();
  }

  @Test
  void secondImageSelectingTheSameNodesReportsTheConflict() {
    client.resource(image("fedora", null)).create();
    reconcileOnce();
    OSImage other = image("other", null);
    client.resource(other).create();

    UpdateControl<OSImage> control = reconciler.reconcile(get("other"), null);
    OSImage patched = control.getResource().orElseThrow();

    Condition conflict = condition(patched, "Conflict");
    assertThat(conflict.getStatus()).isEqualTo("True");
    assertThat(conflict.getMessage())
        .contains("osimage fedora (created earlier): node-a, node-b, node-c");
    assertThat(patched.getStatus().nodes().total()).isZero();
    assertThat(events)
        .filteredOn(e -> e.startsWith("NodeConflict"))
        .containsExactly(
            "NodeConflict: not updating nodes another OSImage owns:"
                + " osimage fedora (created earlier): node-a, node-b, node-c");

    OSImage again = get("other");
    again.setStatus(patched.getStatus()); // as written by the first reconcile
    reconciler.reconcile(again, null);
    assertThat(events).filteredOn(e -> e.startsWith("NodeConflict")).hasSize(1);
  }

  @Test
  void statusIsNotRewrittenWhenNothingChanged() {
    client.resource(image("fedora", null)).create();
    reconcileUntil(OSImagePhase.Completed, 40);
    UpdateControl<OSImage> again = reconciler.reconcile(get("fedora"), null);
    assertThat(again.isNoUpdate()).isTrue();
    assertThat(again.getScheduleDelay()).isPresent();
  }

  @Test
  void deletingTheImageUncordonsOnlyWhatItCordoned() {
    client.resource(image("fedora", null)).create();
    Node byHand = client.nodes().withName("control").get();
    byHand.getSpec().setUnschedulable(true);
    client.resource(byHand).update();
    for (int i = 0; i < 3; i++) {
      reconcileOnce();
      agents.act();
    }
    assertThat(client.nodes().withName("node-a").get().getSpec().getUnschedulable()).isTrue();

    reconciler.cleanup(get("fedora"), null);

    assertThat(client.nodes().withName("node-a").get().getSpec().getUnschedulable()).isFalse();
    assertThat(client.nodes().withName("control").get().getSpec().getUnschedulable()).isTrue();
    assertThat(client.resources(OSNode.class).withName("node-a").get().getSpec().instruction())
        .isNull();
  }

  @Test
  void atRestAFollowedRefIsReadAgainEveryRefPollAndAPinnedCommitOnlyOnTheSafetyNet() {
    Duration refPoll = Duration.ofSeconds(42);
    CommitResolver following = (source, verification) -> new CommitResolver.Resolved(TARGET, null);
    reconciler =
        new OSImageReconciler(
            new RolloutService(
                cluster, following, sink, metrics, clock, () -> null, null, false, refPoll),
            cluster,
            metrics);
    client.resource(image("fedora", null, null)).create();

    OSImage done = reconcileUntil(OSImagePhase.Completed, 40);

    assertThat(reconciler.reconcile(done, null).getScheduleDelay()).contains(refPoll.toMillis());
    // Pinning the same commit rewrites each OSNode's source once (delay 0), then rests.
    done.setSpec(image("fedora", null).getSpec());
    client.resource(done).update();
    reconcileOnce();
    OSImage pinned = reconcileOnce();
    assertThat(reconciler.reconcile(pinned, null).getScheduleDelay())
        .contains(RolloutService.IDLE_POLL.toMillis());
  }

  private OSImage reconcileUntil(OSImagePhase phase, int rounds) {
    OSImage image = null;
    for (int i = 0; i < rounds; i++) {
      image = reconcileOnce();
      if (image.getStatus() != null && image.getStatus().phase() == phase) {
        return image;
      }
      agents.act();
      clock.advance(Duration.ofMinutes(1));
    }
    throw new AssertionError("never reached " + phase + "; last status " + image.getStatus());
  }

  private OSImage reconcileOnce() {
    OSImage image = client.resources(OSImage.class).list().getItems().get(0);
    UpdateControl<OSImage> control = reconciler.reconcile(image, null);
    control
        .getResource()
        .ifPresent(
            patch -> {
              image.setStatus(patch.getStatus());
              client.resource(image).updateStatus();
            });
    return get(image.getMetadata().getName());
  }

  private OSImage get(String name) {
    return client.resources(OSImage.class).withName(name).get();
  }

  private static Condition condition(OSImage image, String type) {
    return image.getStatus().conditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  public static OSImage image(String name, FailurePolicy failurePolicy) {
    return image(name, failurePolicy, TARGET);
  }

  /**
   * @param commit the pinned commit, or null to follow the ref
   */
  static OSImage image(String name, FailurePolicy failurePolicy, String commit) {
    return new OSImage(
        name,
        new OSImageSpec(
            "fedora",
            new ImageSource("https://repo.example.com/ostree", "fedora/41/x86_64", commit),
            new Verification(VerificationMode.Disabled, null),
            new LabelSelectorBuilder().addToMatchLabels("pool", "worker").build(),
            null,
            null,
            new HealthSpec(null, "0s"),
            failurePolicy,
            null,
            null,
            null,
            null));
  }

  public static Node node(String name, Map<String, String> labels) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withUnschedulable(false)
        .endSpec()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withLastTransitionTime("2026-01-01T00:00:00Z")
        .endCondition()
        .endStatus()
        .build();
  }
}
