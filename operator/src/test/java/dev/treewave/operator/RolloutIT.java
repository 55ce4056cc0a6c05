package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.DrainSpec;
import dev.treewave.api.v1alpha1.DrainTimeoutAction;
import dev.treewave.api.v1alpha1.FailureAction;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.Pause;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.operator.RolloutFixture.BudgetWatcher;
import dev.treewave.operator.kube.Annotations;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rollouts on a real control plane: kube-apiserver, kube-controller-manager (PDB status,
 * Deployments), kube-scheduler and kwok nodes, with pods under PodDisruptionBudgets, the operator
 * in this JVM (leader-elected) and simulated agents that follow the OSNode contract. A watcher
 * checks the disruption budget continuously, not just at the end.
 */
class RolloutIT {
  static final String TARGET = RolloutFixture.TARGET;

  @RegisterExtension static final RolloutFixture fx = new RolloutFixture();

  private BudgetWatcher watcher;

  @Test
  void rollsTenNodesInWavesWithPauseAndResumeWithinBudget() {
    List<String> nodes = fx.nodes("a", 10);
    fx.workload("web-a", "a", 6, 1);
    watcher = fx.watch("a", 2);
    Rollout rollout =
        new Rollout(
            List.of(Wave.of(1).withPause(Pause.untilResumedByHand()), Wave.of("30%")),
            null,
            new IntOrString(2),
            true,
            null);
    fx.create(RolloutFixture.image("wave-a", "a", rollout, null, null, null));
    fx.startOperator();

    OSImage paused = fx.awaitPhase("wave-a", OSImagePhase.Paused);
    assertThat(paused.getStatus().waves()).hasSize(3);
    assertThat(paused.getStatus().waves().get(0).nodes()).containsExactly("a-00");
    assertThat(fx.reboots("a")).containsExactly("a-00");
    assertThat(RolloutFixture.condition(paused, "Paused")).contains("treewave.dev/resume-wave=1");

    fx.editImage(
        "wave-a",
        i -> {
          i.getMetadata().getAnnotations().put(OSImage.RESUME_WAVE_ANNOTATION, "1");
          return i;
        });
    OSImage done = fx.awaitPhase("wave-a", OSImagePhase.Completed);

    assertThat(done.getStatus().nodes().updated()).isEqualTo(10);
    assertThat(fx.reboots(nodes.get(0).substring(0, 1))).containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(watcher.maxUnavailable()).isBetween(1, 2);
    assertThat(watcher.cordonsPerNode()).allSatisfy((n, c) -> assertThat(c).as(n).isEqualTo(1));
    assertThat(fx.unschedulable("a")).isEmpty();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                fx.client()
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
    fx.nodes("b", 4);
    for (String n : List.of("b-00", "b-01", "b-02", "b-03")) {
      probePod(n);
    }
    watcher = fx.watch("b", 1);
    OSImage image =
        RolloutFixture.image(
            "health-b",
            "b",
            null,
            new HealthSpec(
                "20s",
                "0s",
                List.of(new LabelSelectorBuilder().addToMatchLabels("app", "probe").build()),
                List.of("apps")),
            new FailurePolicy(FailureAction.Pause, 0),
            null);
    fx.create(image);
    fx.startOperator();

    OSImage failed = fx.awaitPhase("health-b", OSImagePhase.Failed);

    assertThat(failed.getStatus().lastFailure().node()).isEqualTo("b-00");
    assertThat(failed.getStatus().lastFailure().reason()).isEqualTo("HealthGateFailed");
    OSNode canary = fx.client().resources(OSNode.class).withName("b-00").get();
    assertThat(canary.getSpec().instruction().action()).isEqualTo(NodeAction.Rollback);
    await().atMost(Duration.ofMinutes(1)).until(() -> fx.unschedulable("b").isEmpty());
    assertThat(watcher.cordonsPerNode()).containsOnlyKeys("b-00");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(fx.client().v1().events().inNamespace("default").list().getItems())
                    .filteredOn(e -> "health-b".equals(e.getInvolvedObject().getName()))
                    .extracting(e -> e.getReason())
                    .contains("Cordoned", "Activating", "RollingBack", "HealthGateFailed"));
  }

  @Test
  void drainBlockedByAPodDisruptionBudgetTimesOutUncordonsAndIsSkippedWithinMaxFailedNodes() {
    fx.nodes("c", 2);
    // Two replicas that may only run on c-00, and a budget that keeps one: the first eviction
    // is allowed, its replacement cannot be scheduled anywhere, so the second is refused (429).
    fx.label("c-00", "pin", "c-00");
    fx.workloadOn("pinned-c", Map.of("pin", "c-00"), 2, 1);
    watcher = fx.watch("c", 1);
    OSImage image =
        RolloutFixture.image(
            "drain-c",
            "c",
            null,
            null,
            new FailurePolicy(null, 1), // a skipped node counts against maxFailedNodes
            new DrainSpec("15s", 0L, null, null, null, DrainTimeoutAction.Uncordon));
    fx.create(image);
    fx.startOperator();

    OSImage done = fx.awaitPhase("drain-c", OSImagePhase.Completed);

    assertThat(done.getStatus().nodes().skipped()).isEqualTo(1);
    assertThat(done.getStatus().nodes().updated()).isEqualTo(1);
    assertThat(fx.reboots("c")).containsExactly("c-01");
    assertThat(fx.client().nodes().withName("c-00").get().getSpec().getUnschedulable())
        .isNotEqualTo(true);
    assertThat(
            fx.client()
                .resources(OSNode.class)
                .withName("c-00")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry(Annotations.OUTCOME, "SKIPPED " + TARGET);
    assertThat(RolloutFixture.condition(done, "Degraded")).contains("1 skipped");
    assertThat(done.getStatus().blockers())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.node()).isEqualTo("c-00");
              assertThat(b.reason()).isEqualTo("DrainTimedOut");
              assertThat(b.since()).isNotNull();
            });
  }

  @Test
  void forceOnTimeoutWithoutTheGrantDeletesNothingAndNamesTheValueToSet() {
    fx.nodes("g", 2);
    // As above: the second eviction is refused for good, so only a delete could finish the drain.
    fx.label("g-00", "pin", "g-00");
    fx.workloadOn("pinned-g", Map.of("pin", "g-00"), 2, 1);
    watcher = fx.watch("g", 1);
    fx.create(
        RolloutFixture.image(
            "force-g",
            "g",
            null,
            null,
            null,
            new DrainSpec("15s", 0L, null, null, null, DrainTimeoutAction.Force)));
    fx.startOperator(); // as the chart's default: operator.drain.allowForceDelete=false

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              OSImage image = fx.client().resources(OSImage.class).withName("force-g").get();
              assertThat(image.getStatus()).isNotNull();
              assertThat(image.getStatus().blockers())
                  .anySatisfy(
                      b -> {
                        assertThat(b.node()).isEqualTo("g-00");
                        assertThat(b.reason()).isEqualTo("ForceDrainDisabled");
                        assertThat(b.message()).contains("operator.drain.allowForceDelete=true");
                      });
              assertThat(RolloutFixture.condition(image, "Stalled"))
                  .startsWith("True NeedsAttention");
            });
    // The pod the budget protects is still there, not deleted; the node stays cordoned.
    assertThat(fx.podOn("apps", "pinned-g", "g-00")).isNotNull();
    assertThat(fx.podOn("apps", "pinned-g", "g-00").getMetadata().getDeletionTimestamp()).isNull();
    assertThat(fx.client().nodes().withName("g-00").get().getSpec().getUnschedulable()).isTrue();
    assertThat(fx.reboots("g")).isEmpty();
  }

  @Test
  void pdbThatAllowsNoEvictionIsReportedAndTheNodeNeverCordoned() {
    fx.nodes("e", 2);
    fx.label("e-00", "pin", "e-00");
    fx.workloadOn("solo-e", Map.of("pin", "e-00"), 1, 1);
    watcher = fx.watch("e", 1);
    fx.create(RolloutFixture.image("pdb-e", "e", null, null, null, null));
    fx.startOperator();

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              OSImage image = fx.client().resources(OSImage.class).withName("pdb-e").get();
              assertThat(image.getStatus()).isNotNull();
              assertThat(image.getStatus().blockers())
                  .anySatisfy(
                      b -> {
                        assertThat(b.node()).isEqualTo("e-00");
                        assertThat(b.reason()).isEqualTo("DrainWouldBlock");
                        assertThat(b.message())
                            .contains("PodDisruptionBudget apps/solo-e allows 0 disruptions");
                      });
            });
    assertThat(watcher.cordonsPerNode()).isEmpty();
  }

  /**
   * A node held back by a budget is looked at again on its own: pods and budgets are not watched,
   * and here nothing else changes (the blocked node is the canary, so the other waits too), so
   * without the in-flight recheck the node would wait for the 5-minute idle poll. Seen on Kind: the
   * operator's own budget allowed 0 disruptions for a moment, and its node then stayed
   * DrainWouldBlock for over 5 minutes.
   */
  @Test
  void aBudgetThatAllowsAnEvictionAgainIsNoticedWithNothingElseChanging() {
    fx.nodes("h", 2);
    fx.label("h-00", "pin", "h-00");
    fx.workloadOn("solo-h", Map.of("pin", "h-00"), 1, 1);
    watcher = fx.watch("h", 1);
    fx.create(RolloutFixture.image("budget-h", "h", null, null, null, null));
    fx.startOperator();
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              OSImage image = fx.client().resources(OSImage.class).withName("budget-h").get();
              assertThat(image.getStatus()).isNotNull();
              assertThat(image.getStatus().blockers())
                  .anySatisfy(
                      b -> {
                        assertThat(b.node()).isEqualTo("h-00");
                        assertThat(b.reason()).isEqualTo("DrainWouldBlock");
                      });
            });
    assertThat(fx.reboots("h")).isEmpty();

    // The budget alone changes: minAvailable 0, so the controller-manager allows 1 disruption.
    fx.client()
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace("apps")
        .withName("solo-h")
        .edit(
            pdb -> {
              pdb.getSpec().setMinAvailable(new IntOrString(0));
              return pdb;
            });
    // Well inside the idle poll (5 min): while a budget holds a node back the recheck is 5 s.
    await().atMost(Duration.ofSeconds(60)).until(() -> fx.reboots("h").contains("h-00"));
    fx.awaitPhase("budget-h", OSImagePhase.Completed);
    assertThat(fx.reboots("h")).containsExactlyInAnyOrder("h-00", "h-01");
    assertThat(watcher.cordonsPerNode()).containsEntry("h-00", 1);
  }

  @Test
  void operatorKilledMidWaveResumesWithoutExceedingTheBudgetOrRepeating() {
    List<String> nodes = fx.nodes("d", 6);
    fx.workload("web-d", "d", 4, 1);
    watcher = fx.watch("d", 2);
    Rollout rollout = new Rollout(List.of(Wave.of(1)), null, new IntOrString(2), true, null);
    fx.create(RolloutFixture.image("restart-d", "d", rollout, null, null, null));
    fx.startOperator();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> fx.reboots("d").size() >= 2 && !fx.unschedulable("d").isEmpty());
    fx.stopOperator(); // mid-wave: nodes cordoned, some activated
    fx.startOperator();

    fx.awaitPhase("restart-d", OSImagePhase.Completed);

    assertThat(fx.reboots(nodes.get(0).substring(0, 1))).containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(watcher.maxUnavailable()).isLessThanOrEqualTo(2);
    assertThat(watcher.cordonsPerNode()).allSatisfy((n, c) -> assertThat(c).as(n).isEqualTo(1));
  }

  @Test
  void planPreviewShowsWavesAndOrderWithoutTouchingAnything() {
    fx.nodes("f", 4);
    fx.label("f-00", "pin", "f-00");
    fx.workloadOn("solo-f", Map.of("pin", "f-00"), 1, 1);
    OSImage image = RolloutFixture.image("preview-f", "f", null, null, null, null);

    String table =
        dev.treewave.operator.preview.PlanPreview.render(fx.client(), image, TARGET, "f-02");

    assertThat(table).containsPattern("0\\s+1\\s+f-00\\s+PENDING\\s+Stage");
    assertThat(table).containsPattern("1\\s+4\\s+f-02\\s+PENDING");
    assertThat(table).contains("f-02 runs the operator's leader and goes last");
    assertThat(table).contains("Preview only: nothing was changed.");
    assertThat(fx.client().resources(OSNode.class).list().getItems())
        .noneMatch(o -> o.getMetadata().getName().startsWith("f-"));
    assertThat(fx.client().resources(OSImage.class).withName("preview-f").get()).isNull();
    assertThat(fx.unschedulable("f")).isEmpty();
    assertThat(fx.client().nodes().withLabel("pool", "f").list().getItems())
        .allSatisfy(
            n ->
                assertThat(n.getMetadata().getAnnotations())
                    .doesNotContainKey(Annotations.CORDONED_BY));
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A bare pod the health gate selects. The drain evicts it and nothing recreates it, so the first
   * node drained can never show a Ready probe again: its health gate must fail.
   */
  private void probePod(String node) {
    fx.client()
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
}
