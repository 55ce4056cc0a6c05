package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.DrainSpec;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.operator.RolloutFixture.BudgetWatcher;
import dev.treewave.operator.rollout.FakeAgentsAccess;
import dev.treewave.testing.kube.KwokNodes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant with rights in its own namespace only tries to steer a rollout: fail a node's health
 * gate with look-alike pods, block every drain with a PodDisruptionBudget, and put pods on a
 * cordoned node behind the drain's back. Real control plane, operator in this JVM, simulated
 * agents.
 */
class TenantIT {
  @RegisterExtension static final RolloutFixture fx = new RolloutFixture();

  @Test
  void lookAlikePodsInATenantNamespaceDoNotCountInTheHealthGate() {
    fx.nodes("t", 2);
    KubernetesClient tenant = fx.tenantAdmin("tenant-t");
    fx.daemonSet("apps", "cni-t", "t");
    fx.daemonSet(tenant, "tenant-t", "cni-t", "t");
    // The tenant's copy on t-00 is NotReady for good; the gate must not look at it.
    fx.markNotReady(fx.podOn("tenant-t", "cni-t", "t-00"));
    BudgetWatcher watcher = fx.watch("t", 1);
    fx.create(
        RolloutFixture.image(
            "health-t",
            "t",
            null,
            new HealthSpec(
                "30s",
                "0s",
                List.of(new LabelSelectorBuilder().addToMatchLabels("app", "cni-t").build()),
                List.of("apps")),
            null,
            null));
    fx.startOperator();

    OSImage done = fx.awaitPhase("health-t", OSImagePhase.Completed);

    assertThat(done.getStatus().nodes().updated()).isEqualTo(2);
    assertThat(fx.reboots("t")).containsExactlyInAnyOrder("t-00", "t-01");
    assertThat(watcher.cordonsPerNode()).allSatisfy((n, c) -> assertThat(c).as(n).isEqualTo(1));
    await().atMost(Duration.ofMinutes(1)).until(() -> fx.unschedulable("t").isEmpty());
  }

  @Test
  void aTenantPdbBlockingEveryDrainIsNamedWithItsNamespaceUntilTheDrainDeadline() {
    fx.nodes("u", 1);
    KubernetesClient tenant = fx.tenantAdmin("tenant-u");
    pinnedPod(tenant, "tenant-u", "batch-0", "u-00");
    tenant
        .resource(
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName("everything")
                .withNamespace("tenant-u")
                .endMetadata()
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(0))
                .withNewSelector()
                .endSelector()
                .endSpec()
                .build())
        .create();
    BudgetWatcher watcher = fx.watch("u", 1);
    fx.create(
        RolloutFixture.image(
            "pdb-u", "u", null, null, null, new DrainSpec("20s", null, null, null, null, null)));
    fx.startOperator();

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(blockers("pdb-u"))
                    .anySatisfy(
                        b ->
                            assertThat(b)
                                .contains("u-00 DrainWouldBlock")
                                .contains("PodDisruptionBudget tenant-u/everything")));
    // The deadline then applies: a named blocker, not a rollout that waits forever unexplained.
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(blockers("pdb-u"))
                    .anySatisfy(b -> assertThat(b).contains("u-00 DrainBlocked")));
    assertThat(watcher.cordonsPerNode()).isEmpty();
    assertThat(fx.client().pods().inNamespace("tenant-u").withName("batch-0").get()).isNotNull();
  }

  @Test
  void aPodLandingOnTheCordonedNodeAfterItsDrainIsEvictedBeforeTheReboot() {
    fx.nodes("v", 1);
    KubernetesClient tenant = fx.tenantAdmin("tenant-v");
    FakeAgentsAccess.holdActivation(fx.client(), "v-00", true);
    try {
      BudgetWatcher watcher = fx.watch("v", 1);
      fx.create(RolloutFixture.image("late-v", "v", null, null, null, null));
      fx.startOperator();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> {
                OSNode n = fx.client().resources(OSNode.class).withName("v-00").get();
                return n != null
                    && n.getSpec().instruction() != null
                    && n.getSpec().instruction().action() == NodeAction.Activate;
              });

      // nodeName bypasses the scheduler, so the cordon does not keep this pod away.
      pinnedPod(tenant, "tenant-v", "sneaky-0", "v-00");

      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> fx.client().pods().inNamespace("tenant-v").withName("sneaky-0").get() == null);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  warnings().stream()
                      .anyMatch(
                          e ->
                              "PodsAfterDrain".equals(e.getReason())
                                  && e.getMessage().contains("pod tenant-v/sneaky-0")));

      FakeAgentsAccess.holdActivation(fx.client(), "v-00", false);
      fx.awaitPhase("late-v", OSImagePhase.Completed);
      assertThat(fx.reboots("v")).containsExactly("v-00");
      assertThat(watcher.cordonsPerNode()).isEqualTo(java.util.Map.of("v-00", 1));
      await().atMost(Duration.ofMinutes(1)).until(() -> fx.unschedulable("v").isEmpty());
    } finally {
      FakeAgentsAccess.holdActivation(fx.client(), "v-00", false);
    }
  }

  @Test
  void aTenantAdminCannotTouchRolloutsNodesOrTheAgentsCredentials() {
    fx.nodes("w", 1);
    KubernetesClient tenant = fx.tenantAdmin("tenant-w");
    OSImage image = RolloutFixture.image("mine-w", "w", null, null, null, null);

    assertThat(refusal(() -> tenant.resource(image).create()))
        .contains("osimages.treewave.dev is forbidden")
        .contains("system:serviceaccount:tenant-w:tenant-admin");
    assertThat(refusal(() -> tenant.resources(OSNode.class).list()))
        .contains("osnodes.treewave.dev is forbidden");
    assertThat(refusal(() -> tenant.nodes().withName("w-00").edit(n -> n)))
        .contains("nodes \"w-00\" is forbidden");
    // Minting a token for the agent (or reading one) would let the tenant speak for a node.
    assertThat(
            refusal(
                () ->
                    tenant
                        .serviceAccounts()
                        .inNamespace("treewave-system")
                        .withName("default")
                        .tokenRequest(
                            new io.fabric8.kubernetes.api.model.authentication.TokenRequest())))
        .contains("is forbidden");
    assertThat(refusal(() -> tenant.secrets().inNamespace("treewave-system").list()))
        .contains("secrets is forbidden");
    // What it may do in its own namespace still works: the rows above are not an empty client.
    pinnedPod(tenant, "tenant-w", "own-0", "w-00");
  }

  /** The API server's refusal message for what {@code call} tried; fails if it was allowed. */
  private static String refusal(Runnable call) {
    try {
      call.run();
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
      return e.getMessage();
    }
    throw new AssertionError("the tenant was allowed");
  }

  // ---------------------------------------------------------------------------------------------

  /** A bare pod bound to {@code node} by name, as a tenant can create one. */
  private static void pinnedPod(KubernetesClient as, String namespace, String name, String node) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels("app", name)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .addToTolerations(KwokNodes.toleration())
            .addNewContainer()
            .withName("app")
            .withImage("registry.invalid/app:1")
            .endContainer()
            .endSpec()
            .build();
    as.resource(pod).create();
  }

  /** "node reason: message" for each blocker in the OSImage's status. */
  private static List<String> blockers(String image) {
    OSImage i = fx.get(image);
    if (i == null || i.getStatus() == null || i.getStatus().blockers() == null) {
      return List.of();
    }
    return i.getStatus().blockers().stream()
        .map(b -> b.node() + " " + b.reason() + ": " + b.message())
        .toList();
  }

  private static List<Event> warnings() {
    return fx.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()))
        .toList();
  }
}
