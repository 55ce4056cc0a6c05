package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.FailureAction;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.api.v1alpha1.WaveState;
import dev.treewave.operator.RolloutFixture.BudgetWatcher;
import dev.treewave.operator.kube.Annotations;
import dev.treewave.operator.kube.PodFilters;
import dev.treewave.operator.rollout.FakeAgentsAccess;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failures on the real control plane with kwok nodes and simulated agents: the failure policy
 * {@code Rollback} sending a failed wave back to its previous deployment, and a health gate on a
 * pod that is on the node but never Ready. The disruption budget is checked continuously.
 */
class FailureHandlingIT {
  private static final String TARGET = RolloutFixture.TARGET;
  private static final String OLD = "0".repeat(64); // what the simulated agents boot first

  @RegisterExtension static final RolloutFixture fx = new RolloutFixture();

  @Test
  void rollbackPolicySendsTheFailedWaveBackAndStartsNoFurtherWave() {
    List<String> nodes = fx.nodes("h", 6); // waves: [h-00] [h-01 h-02 h-03] [h-04 h-05]
    fx.workload("web-h", "h", 4, 3);
    FakeAgentsAccess.failBoots(fx.client(), "h-03"); // last of wave 1: its neighbours are updated
    BudgetWatcher watcher = fx.watch("h", 1);
    Rollout rollout =
        new Rollout(List.of(Wave.of(1), Wave.of(3)), null, new IntOrString(1), true, null);
    fx.create(
        RolloutFixture.image(
            "rollback-h", "h", rollout, null, new FailurePolicy(FailureAction.Rollback, 0), null));
    fx.startOperator();

    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              assertThat(outcome("h-01")).isEqualTo("ROLLED_BACK " + TARGET);
              assertThat(outcome("h-02")).isEqualTo("ROLLED_BACK " + TARGET);
              assertThat(fx.unschedulable("h")).isEmpty();
              // the status is written after the reconcile that released the last node
              assertThat(fx.get("rollback-h").getStatus().waves())
                  .extracting(w -> w.state())
                  .containsExactly(WaveState.Completed, WaveState.Failed, WaveState.Pending);
            });
    OSImage image = fx.get("rollback-h");

    assertThat(image.getStatus().phase()).isEqualTo(OSImagePhase.Failed);
    assertThat(image.getStatus().lastFailure().node()).isEqualTo("h-03");
    assertThat(image.getStatus().lastFailure().reason()).isEqualTo("ActivationFailed");
    assertThat(image.getStatus().lastFailure().message()).contains("BootFailed");
    assertThat(RolloutFixture.condition(image, "Stalled")).startsWith("True FailurePolicy");
    assertThat(RolloutFixture.condition(image, "Degraded")).startsWith("True").contains("1 failed");
    assertThat(RolloutFixture.condition(image, "Ready")).startsWith("False");
    assertThat(image.getStatus().nodes().updating()).isZero();

    // The failed wave's updated nodes were told to roll back and now run the old commit again.
    for (String n : List.of("h-01", "h-02")) {
      OSNode o = osNode(n);
      assertThat(o.getSpec().instruction().action()).as(n).isEqualTo(NodeAction.Rollback);
      assertThat(o.getSpec().instruction().commit()).as(n).isEqualTo(OLD);
      assertThat(o.getStatus().booted().commit()).as(n).isEqualTo(OLD);
    }
    // The failed node never left the old commit; the healthy canary wave keeps the target.
    assertThat(osNode("h-03").getStatus().booted().commit()).isEqualTo(OLD);
    assertThat(outcome("h-03")).isEqualTo("FAILED " + TARGET);
    assertThat(osNode("h-00").getStatus().booted().commit()).isEqualTo(TARGET);
    // The last wave was never started: staged at most, never cordoned or rebooted.
    for (String n : List.of("h-04", "h-05")) {
      assertThat(osNode(n).getSpec().instruction().action()).as(n).isEqualTo(NodeAction.Stage);
      assertThat(osNode(n).getStatus().booted().commit()).as(n).isEqualTo(OLD);
    }
    assertThat(fx.reboots("h"))
        .containsExactlyInAnyOrder("h-00", "h-01", "h-02", "h-01", "h-02"); // in, then back
    assertThat(watcher.maxUnavailable()).isEqualTo(1);
    assertThat(watcher.cordonsPerNode())
        .isEqualTo(Map.of("h-00", 1, "h-01", 2, "h-02", 2, "h-03", 1));
    assertThat(nodes).allSatisfy(n -> assertThat(fx.unschedulable("h")).doesNotContain(n));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(reasons("rollback-h"))
                    .contains("ActivationFailed", "RollingBack", "RolledBack"));
  }

  @Test
  void podThatStaysUnreadyAfterTheRebootFailsTheHealthGateAndTheNodeGoesBack() {
    fx.nodes("g", 3);
    fx.daemonSet("apps", "agent-g", "g");
    Pod probe = fx.podOn("apps", "agent-g", "g-00");
    // A real kubelet restarts the pod after the reboot; here it comes back and stays NotReady.
    // kwok's pod-ready stage only matches pods without an IP, so it never sets Ready again.
    Set<String> rebooted = ConcurrentHashMap.newKeySet();
    FakeAgentsAccess.onReboot(
        fx.client(),
        node -> {
          if (node.equals("g-00") && rebooted.add(node)) {
            fx.markNotReady(probe);
          }
        });
    BudgetWatcher watcher = fx.watch("g", 1);
    fx.create(
        RolloutFixture.image(
            "pods-g",
            "g",
            null,
            new HealthSpec(
                "15s",
                "0s",
                List.of(new LabelSelectorBuilder().addToMatchLabels("app", "agent-g").build()),
                List.of("apps")),
            new FailurePolicy(FailureAction.Pause, 0),
            null));
    fx.startOperator();

    OSImage failed = fx.awaitPhase("pods-g", OSImagePhase.Failed);
    await().atMost(Duration.ofMinutes(1)).until(() -> fx.unschedulable("g").isEmpty());

    assertThat(failed.getStatus().lastFailure().node()).isEqualTo("g-00");
    assertThat(failed.getStatus().lastFailure().reason()).isEqualTo("HealthGateFailed");
    assertThat(failed.getStatus().lastFailure().message())
        .isEqualTo("selected pods not Ready within PT15S");
    // The pod is the same one (a DaemonSet pod is not evicted), still there and still NotReady.
    Pod now = fx.client().pods().inNamespace("apps").withName(probe.getMetadata().getName()).get();
    assertThat(now.getMetadata().getUid()).isEqualTo(probe.getMetadata().getUid());
    assertThat(PodFilters.isReady(now)).isFalse();
    // Failure policy Pause: the failed node went back to its old deployment; nothing else moved.
    Instruction last = osNode("g-00").getSpec().instruction();
    assertThat(last.action()).isEqualTo(NodeAction.Rollback);
    assertThat(last.commit()).isEqualTo(OLD);
    assertThat(osNode("g-00").getStatus().booted().commit()).isEqualTo(OLD);
    assertThat(outcome("g-00")).isEqualTo("FAILED " + TARGET);
    assertThat(fx.reboots("g")).containsExactly("g-00", "g-00");
    assertThat(watcher.cordonsPerNode()).isEqualTo(Map.of("g-00", 1));
    assertThat(RolloutFixture.condition(failed, "Stalled")).startsWith("True FailurePolicy");
  }

  // ---------------------------------------------------------------------------------------------

  private static OSNode osNode(String name) {
    return fx.client().resources(OSNode.class).withName(name).get();
  }

  private static String outcome(String node) {
    OSNode o = osNode(node);
    return o == null || o.getMetadata().getAnnotations() == null
        ? null
        : o.getMetadata().getAnnotations().get(Annotations.OUTCOME);
  }

  private static List<String> reasons(String image) {
    return fx.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> image.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getReason())
        .toList();
  }

  /** A DaemonSet on the pool's nodes (like a CNI or log agent), all pods Ready. */
}
