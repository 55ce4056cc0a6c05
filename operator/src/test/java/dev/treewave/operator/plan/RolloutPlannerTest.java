package dev.treewave.operator.plan;

import static dev.treewave.operator.plan.SimulatedCluster.OLD;
import static dev.treewave.operator.plan.SimulatedCluster.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.AgentView.Action;
import dev.treewave.operator.plan.AgentView.Outcome;
import dev.treewave.operator.plan.AgentView.PlannedInstruction;
import dev.treewave.operator.plan.RolloutPlan.Phase;
import dev.treewave.operator.plan.RolloutPlan.WaveProgress;
import dev.treewave.operator.plan.SimulatedCluster.Behavior;
import dev.treewave.operator.plan.WaveRule.PauseRule;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RolloutPlannerTest {

  private static final RolloutPolicy DEFAULTS =
      RolloutPolicy.defaults().withHealth(Duration.ofMinutes(15), Duration.ZERO);

  private static List<String> cordons(RolloutPlan plan) {
    return plan.steps().stream()
        .filter(s -> s instanceof NodeStep.Cordon)
        .map(NodeStep::node)
        .toList();
  }

  private static <T extends NodeStep> List<T> steps(RolloutPlan plan, Class<T> type) {
    return plan.steps().stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void unresolvedTargetPlansNothingAndSaysWhy() {
    RolloutPlan plan =
        RolloutPlanner.plan(
            new RolloutSnapshot(
                new SimulatedCluster(3).now, null, DEFAULTS, List.of(), List.of(), null));
    assertThat(plan.phase()).isEqualTo(Phase.PENDING);
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.waitingFor()).contains("not resolved");
  }

  @Test
  void noSelectedNodesIsPendingNotCompleted() {
    RolloutPlan plan =
        RolloutPlanner.plan(
            new RolloutSnapshot(
                new SimulatedCluster(0).now, TARGET, DEFAULTS, List.of(), List.of(), null));
    assertThat(plan.phase()).isEqualTo(Phase.PENDING);
    assertThat(plan.waitingFor()).contains("no node matches");
  }

  @Test
  void fullRolloutUpdatesEveryNodeOnceCanaryFirstWithinBudget() {
    SimulatedCluster cluster = new SimulatedCluster(10);
    RolloutPolicy policy =
        DEFAULTS
            .withWaves(List.of(WaveRule.of(Quantity.count(1)), WaveRule.of(Quantity.percent(30))))
            .withMaxUnavailable(Quantity.count(2));

    RolloutPlan last = cluster.run(policy, 60);

    assertThat(last.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(last.counts().updated()).isEqualTo(10);
    assertThat(cluster.nodes.values())
        .allSatisfy(
            n -> {
              assertThat(n.booted).isEqualTo(TARGET);
              assertThat(n.cordons).as(n.name + " cordoned once").isEqualTo(1);
              assertThat(n.reboots).as(n.name + " rebooted once").isEqualTo(1);
              assertThat(n.unschedulable).isFalse();
            });
    assertThat(last.waves()).extracting(w -> w.nodes().size()).containsExactly(1, 3, 6);
    // Canary alone, then nothing of later waves before it is healthy and released.
    assertThat(cluster.cordonOrder.get(0)).isEqualTo("node-00");
    assertThat(cluster.maxUnavailableSeen).isEqualTo(2);
  }

  @Test
  void canaryIsTheOnlyDisruptionUntilItPassesItsHealthGate() {
    SimulatedCluster cluster = new SimulatedCluster(5);
    RolloutPolicy policy =
        DEFAULTS
            .withMaxUnavailable(Quantity.count(3))
            .withHealth(Duration.ofMinutes(15), Duration.ofMinutes(5));

    cluster.step(policy); // stage everywhere
    cluster.agentsAct();
    assertThat(cordons(cluster.step(policy))).containsExactly("node-00");
    java.time.Instant releasedAt = null;
    for (int i = 0; i < 12 && releasedAt == null; i++) {
      cluster.agentsAct();
      cluster.now = cluster.now.plus(Duration.ofMinutes(1));
      RolloutPlan plan = cluster.step(policy);
      if (!steps(plan, NodeStep.Release.class).isEmpty()) {
        releasedAt = cluster.now;
      }
      assertThat(cordons(plan)).as("no second node before the canary is released").isEmpty();
    }
    assertThat(releasedAt).isNotNull();
    assertThat(releasedAt)
        .as("held for the stable period after booting")
        .isAfterOrEqualTo(cluster.node("node-00").readySince.plus(Duration.ofMinutes(5)));
    cluster.agentsAct();
    assertThat(cordons(cluster.step(policy)))
        .as("then the rest, maxUnavailable (3) at a time")
        .containsExactly("node-01", "node-02", "node-03");
  }

  @Test
  void nodesUnavailableForOtherReasonsUseUpTheBudget() {
    SimulatedCluster cluster = new SimulatedCluster(6);
    cluster.node("node-05").ready = false;
    cluster.node("node-04").unschedulable = true; // cordoned by someone else
    RolloutPolicy policy =
        DEFAULTS
            .withWaves(List.of(WaveRule.of(Quantity.count(1))))
            .withMaxUnavailable(Quantity.count(3));

    cluster.run(policy, 40);

    assertThat(cluster.maxUnavailableSeen).isLessThanOrEqualTo(3);
    assertThat(cluster.node("node-04").cordons).isZero();
    assertThat(cluster.node("node-04").unschedulable).as("not ours to uncordon").isTrue();
    assertThat(cluster.node("node-05").cordons).isZero();
    RolloutPlan last = cluster.plans.get(cluster.plans.size() - 1);
    assertThat(last.blockers())
        .extracting(RolloutPlan.Blocker::reason)
        .contains("CordonedByOthers", "NodeNotReady");
  }

  @Test
  void budgetAlreadyExhaustedMeansNoNewDisruption() {
    SimulatedCluster cluster = new SimulatedCluster(4);
    cluster.node("node-03").ready = false;
    cluster.nodes.values().forEach(n -> n.staged = TARGET);
    RolloutPlan plan = cluster.step(DEFAULTS);
    assertThat(cordons(plan)).isEmpty();
  }

  @Test
  void prefetchStagesEverywhereBeforeTheFirstCordon() {
    SimulatedCluster cluster = new SimulatedCluster(4);
    RolloutPlan first = cluster.step(DEFAULTS);
    assertThat(steps(first, NodeStep.Stage.class)).hasSize(4);
    assertThat(cordons(first)).isEmpty();
    assertThat(first.phase()).isEqualTo(Phase.STAGING);
    assertThat(first.waitingFor()).contains("4 node(s) to stage");

    cluster.node("node-03").behavior = Behavior.FAILS_TO_STAGE;
    cluster.agentsAct();
    RolloutPlan second = cluster.step(DEFAULTS.withFailurePolicy(false, 1));
    assertThat(second.newFailures())
        .extracting(RolloutPlan.Blocker::node)
        .containsExactly("node-03");
    assertThat(cordons(second)).as("node-03 is recorded as failed first").isEmpty();
    RolloutPlan third = cluster.step(DEFAULTS.withFailurePolicy(false, 1));
    assertThat(cordons(third)).containsExactly("node-00");
  }

  @Test
  void withoutPrefetchOnlyTheCurrentAndNextWaveStage() {
    SimulatedCluster cluster = new SimulatedCluster(6);
    RolloutPolicy policy =
        DEFAULTS
            .withPrefetch(false)
            .withWaves(List.of(WaveRule.of(Quantity.count(1)), WaveRule.of(Quantity.count(2))));
    RolloutPlan plan = cluster.step(policy);
    assertThat(steps(plan, NodeStep.Stage.class))
        .extracting(NodeStep::node)
        .containsExactly("node-00", "node-01", "node-02");
  }

  @Test
  void pausedStopsNewDisruptionsButFinishesNodesInFlight() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.nodes.values().forEach(n -> n.staged = TARGET);
    cluster.step(DEFAULTS); // cordons node-00
    RolloutPolicy paused = DEFAULTS.withPaused(true);

    RolloutPlan plan = cluster.run(paused, 10);

    assertThat(cluster.node("node-00").booted).isEqualTo(TARGET);
    assertThat(cluster.node("node-00").unschedulable).isFalse();
    assertThat(cluster.node("node-01").cordons).isZero();
    assertThat(plan.phase()).isEqualTo(Phase.PAUSED);
    assertThat(plan.waitingFor()).contains("spec.paused");
  }

  @Test
  void abortReleasesNodesNotYetRebootingAndDisruptsNoMore() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.nodes.values().forEach(n -> n.staged = TARGET);
    cluster.step(DEFAULTS); // cordons node-00, before any Activate
    RolloutPolicy aborted = DEFAULTS.withAbortReason("bad kernel on the canary");

    RolloutPlan plan = cluster.run(aborted, 10);

    assertThat(cluster.node("node-00").reboots).as("never told to reboot").isZero();
    assertThat(cluster.node("node-00").unschedulable).as("released").isFalse();
    assertThat(cluster.nodes.values()).allSatisfy(n -> assertThat(n.unschedulable).isFalse());
    assertThat(cluster.node("node-01").cordons).isZero();
    assertThat(plan.phase()).isEqualTo(Phase.PAUSED);
    assertThat(plan.waitingFor()).contains("treewave.dev/abort", "bad kernel on the canary");
    assertThat(steps(plan, NodeStep.Stage.class)).isEmpty();
  }

  @Test
  void abortLetsARebootingNodeFinishAndReleasesItHealthy() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.nodes.values().forEach(n -> n.staged = TARGET);
    RolloutPlan activated = null;
    for (int i = 0; i < 10 && activated == null; i++) {
      RolloutPlan plan = cluster.step(DEFAULTS);
      if (!steps(plan, NodeStep.Activate.class).isEmpty()) {
        activated = plan;
      } else {
        cluster.agentsAct();
      }
    }
    assertThat(activated).as("the canary was told to reboot").isNotNull();

    RolloutPlan plan = cluster.run(DEFAULTS.withAbortReason("paging"), 10);

    assertThat(cluster.node("node-00").booted).isEqualTo(TARGET);
    assertThat(cluster.node("node-00").reboots).isEqualTo(1);
    assertThat(cluster.node("node-00").unschedulable).isFalse();
    assertThat(cluster.node("node-01").cordons).isZero();
    assertThat(plan.waitingFor()).contains("paging");
  }

  @Test
  void timedPauseAfterAWaveHoldsTheNextWaveUntilItEnds() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    // Agents that may stay silent longer than the pause: the pause's end is the next deadline.
    RolloutPolicy policy =
        DEFAULTS
            .withStuckNodes(Duration.ofMinutes(30), Duration.ofHours(1), false)
            .withWaves(
                List.of(
                    new WaveRule(Quantity.count(1), null, new PauseRule(Duration.ofMinutes(30)))));

    RolloutPlan plan = cluster.run(policy, 8);
    assertThat(cluster.node("node-00").booted).isEqualTo(TARGET);
    assertThat(plan.phase()).isEqualTo(Phase.PAUSED);
    assertThat(plan.waves().get(0).progress()).isEqualTo(WaveProgress.PAUSED);
    assertThat(plan.wakeAt()).isEqualTo(plan.waves().get(0).pausedUntil());
    assertThat(cluster.node("node-01").cordons).isZero();

    cluster.now = plan.wakeAt();
    cluster.agentsAct(); // their heartbeat: live agents report while the rollout waits
    assertThat(cordons(cluster.step(policy))).containsExactly("node-01");
  }

  @Test
  void pauseUntilResumedWaitsForTheResumeAnnotation() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    RolloutPolicy policy =
        DEFAULTS.withWaves(List.of(new WaveRule(Quantity.count(1), null, PauseRule.UNTIL_RESUMED)));

    RolloutPlan plan = cluster.run(policy, 30);
    assertThat(plan.phase()).isEqualTo(Phase.PAUSED);
    assertThat(plan.waitingFor()).contains("treewave.dev/resume-wave=1");
    assertThat(cluster.node("node-01").cordons).isZero();

    RolloutPlan resumed = cluster.run(policy.withResumedWave(1), 30);
    assertThat(resumed.phase()).isEqualTo(Phase.COMPLETED);
  }

  @Test
  void disruptionsOnlyStartInsideAMaintenanceWindow() {
    SimulatedCluster cluster = new SimulatedCluster(2);
    cluster.nodes.values().forEach(n -> n.staged = TARGET);
    // Saturday 22:00 Berlin for 4 hours, so it runs past midnight. The cluster clock is Monday.
    MaintenanceWindows windows =
        MaintenanceWindows.of(
            new MaintenanceWindows.Window(
                Set.of(DayOfWeek.SATURDAY),
                LocalTime.of(22, 0),
                Duration.ofHours(4),
                ZoneId.of("Europe/Berlin")));
    RolloutPolicy policy = DEFAULTS.withWindows(windows);

    RolloutPlan closed = cluster.step(policy);
    assertThat(cordons(closed)).isEmpty();
    assertThat(closed.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
    assertThat(closed.wakeAt()).isEqualTo(java.time.Instant.parse("2026-03-07T21:00:00Z"));

    cluster.now = java.time.Instant.parse("2026-03-08T00:30:00Z"); // Sunday 01:30 in Berlin
    assertThat(cordons(cluster.step(policy))).containsExactly("node-00");
    cluster.now = java.time.Instant.parse("2026-03-08T01:00:00Z"); // 02:00 Berlin: closed
    assertThat(windows.isOpen(cluster.now)).isFalse();
  }

  @Test
  void aNodeFailingItsHealthGateIsRolledBackAndTheRolloutStops() {
    SimulatedCluster cluster = new SimulatedCluster(4);
    cluster.node("node-00").behavior = Behavior.FAILS_HEALTH_GATE;

    RolloutPlan last = cluster.run(DEFAULTS, 40);

    SimulatedCluster.Node canary = cluster.node("node-00");
    assertThat(canary.booted).as("back on the old OS").isEqualTo(OLD);
    assertThat(canary.outcome.kind()).isEqualTo(Outcome.Kind.FAILED);
    assertThat(canary.unschedulable).as("released after its rollback").isFalse();
    assertThat(last.phase()).isEqualTo(Phase.FAILED);
    assertThat(last.counts().failed()).isEqualTo(1);
    assertThat(cluster.nodes.values())
        .filteredOn(n -> !n.name.equals("node-00"))
        .allSatisfy(n -> assertThat(n.cordons).isZero());
    boolean reported =
        cluster.plans.stream()
            .flatMap(p -> p.newFailures().stream())
            .anyMatch(f -> f.reason().equals("HealthGateFailed"));
    assertThat(reported).isTrue();
  }

  @Test
  void failuresWithinTheToleranceLetTheRolloutContinue() {
    SimulatedCluster cluster = new SimulatedCluster(4);
    cluster.node("node-00").behavior = Behavior.FAILS_HEALTH_GATE;

    RolloutPlan last = cluster.run(DEFAULTS.withFailurePolicy(false, 1), 80);

    assertThat(last.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(last.counts().updated()).isEqualTo(3);
    assertThat(last.counts().failed()).isEqualTo(1);
    assertThat(last.waves().get(0).progress()).isEqualTo(WaveProgress.FAILED);
  }

  @Test
  void rollbackPolicyRollsBackTheUpdatedNodesOfTheFailedWave() {
    SimulatedCluster cluster = new SimulatedCluster(6);
    cluster.node("node-03").behavior = Behavior.FAILS_HEALTH_GATE;
    RolloutPolicy policy =
        DEFAULTS
            .withWaves(List.of(WaveRule.of(Quantity.count(1)), WaveRule.of(Quantity.count(3))))
            .withFailurePolicy(true, 0);

    RolloutPlan last = cluster.run(policy, 120);

    assertThat(last.phase()).isEqualTo(Phase.FAILED);
    assertThat(cluster.node("node-00").booted).as("canary wave was healthy").isEqualTo(TARGET);
    for (String n : List.of("node-01", "node-02", "node-03")) {
      assertThat(cluster.node(n).booted).as(n).isEqualTo(OLD);
      assertThat(cluster.node(n).unschedulable).as(n).isFalse();
    }
    assertThat(cluster.node("node-01").outcome.kind()).isEqualTo(Outcome.Kind.ROLLED_BACK);
    assertThat(cluster.node("node-04").cordons).isZero();
    assertThat(cluster.node("node-05").cordons).isZero();
    assertThat(last.waves())
        .as("the wave the failure policy stopped is not shown as in progress")
        .extracting(RolloutPlan.PlannedWave::progress)
        .containsExactly(WaveProgress.COMPLETED, WaveProgress.FAILED, WaveProgress.PENDING);
  }

  @Test
  void activationFailureBeforeRebootCancelsWithoutRebooting() {
    SimulatedCluster cluster = new SimulatedCluster(2);
    SimulatedCluster.Node n = cluster.node("node-00");
    n.staged = TARGET;
    n.unschedulable = true;
    n.cordonedByUs = true;
    n.drained = true;
    n.instruction = new PlannedInstruction("i-x", Action.ACTIVATE, TARGET, cluster.now);
    n.failedId = "i-x";

    RolloutPlan plan = cluster.step(DEFAULTS);

    NodeStep.Rollback rollback = steps(plan, NodeStep.Rollback.class).get(0);
    assertThat(rollback.commit()).as("what it still runs").isEqualTo(OLD);
    assertThat(rollback.outcome().kind()).isEqualTo(Outcome.Kind.FAILED);
  }

  @Test
  void nodeWithoutRollbackDeploymentStaysCordonedAndIsReported() {
    SimulatedCluster cluster = new SimulatedCluster(2);
    SimulatedCluster.Node n = cluster.node("node-00");
    n.booted = TARGET;
    n.previous = null;
    n.ready = false;
    n.unschedulable = true;
    n.cordonedByUs = true;
    n.instruction =
        new PlannedInstruction(
            "i-x", Action.ACTIVATE, TARGET, cluster.now.minus(Duration.ofHours(1)));
    n.lastCompleted = "i-x";

    RolloutPlan plan = cluster.step(DEFAULTS);

    assertThat(plan.blockers())
        .extracting(RolloutPlan.Blocker::reason)
        .contains("NoRollbackDeployment");
    assertThat(steps(plan, NodeStep.Release.class)).isEmpty();
    assertThat(plan.phase()).isEqualTo(Phase.FAILED);
  }

  @Test
  void pdbThatAllowsNoEvictionIsReportedInsteadOfCordoning() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-00").behavior = Behavior.DRAIN_BLOCKED_BY_PDB;
    cluster.nodes.values().forEach(n -> n.staged = TARGET);

    RolloutPlan plan = cluster.step(DEFAULTS.withWaves(List.of(WaveRule.of(Quantity.count(2)))));

    assertThat(cordons(plan)).containsExactly("node-01");
    assertThat(plan.blockers())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.node()).isEqualTo("node-00");
              assertThat(b.reason()).isEqualTo("DrainWouldBlock");
              assertThat(b.message()).contains("PodDisruptionBudget db");
            });
    assertThat(cluster.node("node-00").unschedulable).isFalse();
  }

  @Test
  void drainTimeoutUncordonsSkipsAndMovesOnWithinMaxFailedNodes() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-00").behavior = Behavior.DRAIN_NEVER_FINISHES;
    RolloutPolicy policy =
        DEFAULTS.withDrain(Duration.ofMinutes(5), false).withFailurePolicy(false, 1);

    RolloutPlan last = cluster.run(policy, 40);

    SimulatedCluster.Node stuck = cluster.node("node-00");
    assertThat(stuck.unschedulable).isFalse();
    assertThat(stuck.booted).isEqualTo(OLD);
    assertThat(stuck.outcome.kind()).isEqualTo(Outcome.Kind.SKIPPED);
    assertThat(stuck.cordons).as("never retried for this commit").isEqualTo(1);
    assertThat(last.counts().skipped()).isEqualTo(1);
    assertThat(last.counts().updated()).isEqualTo(2);
    assertThat(last.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(last.blockers())
        .singleElement()
        .satisfies(b -> assertThat(b.reason()).isEqualTo("DrainTimedOut"));
  }

  @Test
  void aSkippedNodeCountsAgainstMaxFailedNodes() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-00").behavior = Behavior.DRAIN_NEVER_FINISHES;

    RolloutPlan last = cluster.run(DEFAULTS.withDrain(Duration.ofMinutes(5), false), 40);

    assertThat(cluster.node("node-00").outcome.kind()).isEqualTo(Outcome.Kind.SKIPPED);
    assertThat(last.phase()).isEqualTo(Phase.FAILED);
    assertThat(last.waitingFor()).contains("failed or were skipped");
    assertThat(cluster.node("node-00").unschedulable).isFalse();
  }

  @Test
  void drainTimeoutWithForceDeletesTheRest() {
    SimulatedCluster cluster = new SimulatedCluster(2);
    cluster.node("node-00").behavior = Behavior.DRAIN_NEVER_FINISHES;
    RolloutPolicy policy =
        DEFAULTS.withDrain(Duration.ofMinutes(5), true).withForceDeleteAllowed(true);

    cluster.run(policy, 40);

    assertThat(cluster.node("node-00").booted).isEqualTo(TARGET);
    boolean forced =
        cluster.plans.stream()
            .flatMap(p -> steps(p, NodeStep.Drain.class).stream())
            .anyMatch(NodeStep.Drain::force);
    assertThat(forced).isTrue();
  }

  @Test
  void forceOnTimeoutWithoutTheRightToDeleteKeepsEvictingAndNamesTheSettingToChange() {
    SimulatedCluster cluster = new SimulatedCluster(2);
    cluster.node("node-00").behavior = Behavior.DRAIN_NEVER_FINISHES;
    RolloutPolicy policy =
        DEFAULTS.withDrain(Duration.ofMinutes(5), true).withForceDeleteAllowed(false);

    RolloutPlan last = cluster.run(policy, 40);

    assertThat(cluster.plans.stream().flatMap(p -> steps(p, NodeStep.Drain.class).stream()))
        .as("a delete is never tried")
        .isNotEmpty()
        .noneMatch(NodeStep.Drain::force);
    SimulatedCluster.Node stuck = cluster.node("node-00");
    assertThat(stuck.booted).isEqualTo(OLD);
    assertThat(stuck.unschedulable).as("still cordoned, still being drained").isTrue();
    assertThat(stuck.outcome).as("neither skipped nor failed: waiting for a person").isNull();
    assertThat(last.blockers())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.node()).isEqualTo("node-00");
              assertThat(b.reason()).isEqualTo("ForceDrainDisabled");
              assertThat(b.message())
                  .contains("operator.drain.allowForceDelete=true", "onTimeout", "PT5M");
              assertThat(b.since()).isNotNull();
            });
  }

  @Test
  void leaderNodeGoesLastAndOrderIsExplained() {
    SimulatedCluster cluster = new SimulatedCluster(4);
    cluster.leader = "node-00";
    RolloutPlan plan = cluster.step(DEFAULTS);
    List<String> order = plan.waves().stream().flatMap(w -> w.nodes().stream()).toList();
    assertThat(order).containsExactly("node-01", "node-02", "node-03", "node-00");
    assertThat(plan.order()).contains("node-00 runs the operator's leader and goes last");
  }

  @Test
  void zonesAreTakenInTurnSoConsecutiveNodesDiffer() {
    SimulatedCluster cluster = new SimulatedCluster(6);
    int i = 0;
    for (SimulatedCluster.Node n : cluster.nodes.values()) {
      n.zone = i++ < 3 ? "zone-a" : "zone-b";
    }
    RolloutPlan plan = cluster.step(DEFAULTS);
    List<String> order = plan.waves().stream().flatMap(w -> w.nodes().stream()).toList();
    assertThat(order)
        .containsExactly("node-00", "node-03", "node-01", "node-04", "node-02", "node-05");
    assertThat(plan.order()).contains("2 zones taken in turn");
    assertThat(RolloutPlanner.plan(cluster.snapshot(DEFAULTS)).waves()).isEqualTo(plan.waves());
  }

  @Test
  void waveMembershipIsKeptAndNewNodesJoinTheLastWave() {
    SimulatedCluster cluster = new SimulatedCluster(4);
    cluster.frozen =
        List.of(
            new FrozenWave(0, List.of("node-03"), null),
            new FrozenWave(1, List.of("node-02", "node-01", "gone"), null));
    RolloutPlan plan = cluster.step(DEFAULTS);
    assertThat(plan.waves().get(0).nodes()).containsExactly("node-03");
    assertThat(plan.waves().get(1).nodes()).containsExactly("node-02", "node-01", "node-00");
  }

  @Test
  void restartedOperatorContinuesFromClusterStateWithoutRedoingAnything() {
    SimulatedCluster cluster = new SimulatedCluster(5);
    RolloutPolicy policy = DEFAULTS.withMaxUnavailable(Quantity.count(2));
    cluster.run(policy, 9);
    // A "restart": nothing survives but the cluster (status waves, annotations, OSNodes).
    List<FrozenWave> recorded = cluster.frozen;
    for (int round = 0; round < 60; round++) {
      cluster.frozen = recorded;
      RolloutPlan plan = cluster.step(policy);
      recorded = cluster.frozen;
      cluster.frozen = List.of(); // and a second operator that lost status entirely
      RolloutPlan fresh = RolloutPlanner.plan(cluster.snapshot(policy));
      assertThat(cordons(fresh))
          .as("a fresh operator never re-disrupts an updated node")
          .allSatisfy(n -> assertThat(cluster.node(n).booted).isNotEqualTo(TARGET));
      cluster.agentsAct();
      cluster.now = cluster.now.plus(Duration.ofMinutes(1));
    }
    assertThat(cluster.nodes.values())
        .allSatisfy(
            n -> {
              assertThat(n.booted).isEqualTo(TARGET);
              assertThat(n.cordons).isEqualTo(1);
              assertThat(n.reboots).isEqualTo(1);
            });
  }

  @Test
  void inFlightNodeIsPickedUpMidDrainAfterRestart() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.nodes.values().forEach(n -> n.staged = TARGET);
    SimulatedCluster.Node n = cluster.node("node-01");
    n.unschedulable = true;
    n.cordonedByUs = true;
    n.drainStartedAt = cluster.now.minus(Duration.ofMinutes(2));

    RolloutPlan plan = cluster.step(DEFAULTS);

    assertThat(steps(plan, NodeStep.Drain.class))
        .extracting(NodeStep::node)
        .containsExactly("node-01");
    assertThat(cordons(plan)).as("budget of 1 is held by node-01").isEmpty();
  }

  @Test
  void nodesAlreadyOnTheTargetAreNeverDisrupted() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.nodes.values().forEach(n -> n.booted = TARGET);
    RolloutPlan plan = cluster.run(DEFAULTS, 3);
    assertThat(plan.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(cluster.cordonOrder).isEmpty();
    assertThat(plan.counts().updated()).isEqualTo(3);
  }

  @Test
  void waveConcurrencyIsBoundedByBothTheWaveAndTheRollout() {
    SimulatedCluster cluster = new SimulatedCluster(10);
    cluster.nodes.values().forEach(n -> n.staged = TARGET);
    RolloutPolicy policy =
        DEFAULTS
            .withWaves(List.of(new WaveRule(Quantity.count(6), Quantity.percent(50), null)))
            .withMaxUnavailable(Quantity.count(2));
    assertThat(cordons(cluster.step(policy))).containsExactly("node-00", "node-01");

    RolloutPolicy wide = policy.withMaxUnavailable(Quantity.count(5));
    SimulatedCluster other = new SimulatedCluster(10);
    other.nodes.values().forEach(n -> n.staged = TARGET);
    assertThat(cordons(other.step(wide))).hasSize(3);
  }

  @Test
  void stageFailuresCountAgainstTheFailurePolicy() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.nodes.values().forEach(n -> n.behavior = Behavior.FAILS_TO_STAGE);
    RolloutPlan last = cluster.run(DEFAULTS, 5);
    assertThat(last.phase()).isEqualTo(Phase.FAILED);
    assertThat(last.counts().failed()).isEqualTo(3);
    assertThat(cluster.cordonOrder).as("an unverifiable commit disrupts nothing").isEmpty();
  }

  @Test
  void quantitiesRoundAsDocumented() {
    assertThat(Quantity.parse("10%").ofRoundedUp(5)).isEqualTo(1);
    assertThat(Quantity.parse("10%").ofRoundedDownAtLeastOne(5)).isEqualTo(1);
    assertThat(Quantity.parse("50%").ofRoundedDownAtLeastOne(5)).isEqualTo(2);
    assertThat(Quantity.parse("3").ofRoundedUp(100)).isEqualTo(3);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Quantity.parse("0"))
        .hasMessageContaining("at least 1");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Quantity.parse("101%"))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Quantity.parse("ten"))
        .hasMessageContaining("\"ten\"");
  }

  @Test
  void stateCountsAddUp() {
    SimulatedCluster cluster = new SimulatedCluster(5);
    cluster.run(DEFAULTS, 4);
    int sum =
        cluster.stateCounts(DEFAULTS).values().stream().collect(Collectors.summingInt(x -> x));
    assertThat(sum).isEqualTo(5);
  }
}
