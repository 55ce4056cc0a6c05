package dev.treewave.operator.plan;

import static dev.treewave.operator.plan.SimulatedCluster.OLD;
import static dev.treewave.operator.plan.SimulatedCluster.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.AgentView.Outcome;
import dev.treewave.operator.plan.RolloutPlan.Blocker;
import dev.treewave.operator.plan.RolloutPlan.Phase;
import dev.treewave.operator.plan.SimulatedCluster.Behavior;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The stuck-node rules: every node that cannot make progress is named with a reason from the fixed
 * list and the time it is stuck since, within one plan of its deadline; the policy (Stop or Skip,
 * bounded by maxFailedNodes) decides what the rollout does; the retry lever brings nodes back.
 */
class StuckNodesTest {

  private static final Duration SILENCE = Duration.ofMinutes(10);
  private static final Duration STAGE = Duration.ofMinutes(30);

  private static final RolloutPolicy STOP =
      RolloutPolicy.defaults()
          .withHealth(Duration.ofMinutes(15), Duration.ZERO)
          .withStuckNodes(STAGE, SILENCE, false);

  private static final RolloutPolicy SKIP_ONE =
      STOP.withStuckNodes(STAGE, SILENCE, true).withFailurePolicy(false, 1);

  private static Blocker blocker(RolloutPlan plan, String node) {
    return plan.blockers().stream().filter(b -> b.node().equals(node)).findFirst().orElse(null);
  }

  private static <T extends NodeStep> List<T> steps(RolloutPlan plan, Class<T> type) {
    return plan.steps().stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void aNodeWithoutAnAgentIsNamedAgentMissingAtTheSilenceDeadlineAndStopsTheRollout() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-02").behavior = Behavior.NO_AGENT;
    Instant start = cluster.now;

    RolloutPlan early = cluster.run(STOP, 9);
    assertThat(early.phase()).isEqualTo(Phase.STAGING);
    assertThat(early.waitingFor()).contains("node-02");
    assertThat(early.wakeAt()).as("looks again at the deadline").isEqualTo(start.plus(SILENCE));

    RolloutPlan stuck = cluster.run(STOP, 2);
    assertThat(blocker(stuck, "node-02"))
        .satisfies(
            b -> {
              assertThat(b.reason()).isEqualTo("AgentMissing");
              assertThat(b.since()).isEqualTo(start);
              assertThat(b.message()).contains("no node agent has ever reported");
            });
    assertThat(stuck.phase()).isEqualTo(Phase.FAILED);
    assertThat(stuck.waitingFor()).contains("node-02 (AgentMissing)").contains("Stop");
    RolloutPlan later = cluster.run(STOP, 20);
    assertThat(cluster.cordonOrder).as("nothing disrupted while a node is stuck").isEmpty();
    assertThat(later.phase()).isEqualTo(Phase.FAILED);
    assertThat(cluster.node("node-02").outcome).as("Stop records nothing").isNull();

    // The cause goes away (the agent pod comes up): the rollout goes on by itself.
    cluster.node("node-02").behavior = Behavior.GOOD;
    RolloutPlan done = cluster.run(STOP, 20);
    assertThat(done.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(done.blockers()).isEmpty();
  }

  @Test
  void skipGivesUpOnAStuckNodeAndGoesOnWithinMaxFailedNodes() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-01").behavior = Behavior.NO_AGENT;

    RolloutPlan last = cluster.run(SKIP_ONE, 30);

    assertThat(cluster.node("node-01").outcome.kind()).isEqualTo(Outcome.Kind.SKIPPED);
    assertThat(cluster.node("node-01").outcome.reason()).startsWith("AgentMissing: ");
    assertThat(cluster.node("node-01").cordons).isZero();
    assertThat(cluster.node("node-00").booted).isEqualTo(TARGET);
    assertThat(cluster.node("node-02").booted).isEqualTo(TARGET);
    assertThat(last.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(last.counts().skipped()).isEqualTo(1);
    assertThat(blocker(last, "node-01").reason())
        .as("a skipped node stays named")
        .isEqualTo("AgentMissing");
  }

  @Test
  void skipBeyondMaxFailedNodesFailsTheRollout() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-01").behavior = Behavior.NO_AGENT;
    cluster.node("node-02").behavior = Behavior.NO_AGENT;

    RolloutPlan last = cluster.run(SKIP_ONE, 30);

    assertThat(last.counts().skipped()).isEqualTo(2);
    assertThat(last.phase()).isEqualTo(Phase.FAILED);
    assertThat(cluster.cordonOrder).isEmpty();
  }

  @Test
  void anAgentThatStopsReportingIsAgentSilentSinceItsLastReport() {
    SimulatedCluster cluster = new SimulatedCluster(2);
    Instant lastReport = cluster.now.minusSeconds(60);
    cluster.node("node-01").lastSeen = lastReport;
    cluster.node("node-01").dead = true; // reported a minute ago, then its pod was deleted

    RolloutPlan plan = cluster.run(STOP, 12);

    assertThat(blocker(plan, "node-01"))
        .satisfies(
            b -> {
              assertThat(b.reason()).isEqualTo("AgentSilent");
              assertThat(b.since()).isEqualTo(lastReport);
            });
    assertThat(plan.phase()).isEqualTo(Phase.FAILED);
  }

  /**
   * Paused, every node staged: nothing in the cluster changes when an agent dies, so the plan
   * itself must say when to look again (Node heartbeats no longer wake the operator).
   */
  @Test
  void pausedWithStagedNodesThePlanWakesItselfAtTheSilenceDeadline() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    RolloutPolicy paused = STOP.withPaused(true);
    cluster.run(paused, 3);
    Instant lastReport = cluster.node("node-02").lastSeen;
    cluster.node("node-02").dead = true;

    RolloutPlan quiet = cluster.step(paused);
    assertThat(quiet.phase()).isEqualTo(Phase.PAUSED);
    assertThat(quiet.counts().staged()).isEqualTo(3);
    assertThat(quiet.wakeAt())
        .as("the earliest silence deadline of the agents the rollout still needs")
        .isEqualTo(lastReport.plus(SILENCE));

    cluster.agentsAct(); // the live agents report again; the dead one does not
    assertThat(cluster.step(paused).wakeAt()).isEqualTo(lastReport.plus(SILENCE));
    cluster.now = lastReport.plus(SILENCE);
    RolloutPlan named = cluster.step(paused);
    assertThat(blocker(named, "node-02").reason()).isEqualTo("AgentSilent");
  }

  @Test
  void aHostTheAgentReportsUnmanagedIsNamedAtOnce() {
    SimulatedCluster cluster = new SimulatedCluster(2);
    cluster.node("node-01").behavior = Behavior.UNMANAGED;

    cluster.run(STOP, 1);
    RolloutPlan plan = cluster.step(STOP);

    assertThat(blocker(plan, "node-01"))
        .satisfies(
            b -> {
              assertThat(b.reason()).isEqualTo("HostUnmanaged");
              assertThat(b.message()).contains("NotOstreeBooted");
            });
    assertThat(plan.phase()).isEqualTo(Phase.FAILED);
  }

  @Test
  void anAgentRetryingForeverIsStageTimedOutNeverFailedBeforeTheDeadline() {
    SimulatedCluster cluster = new SimulatedCluster(2);
    cluster.node("node-01").behavior = Behavior.STAGE_RETRIES_FOREVER;
    Instant start = cluster.now;

    RolloutPlan before = cluster.run(STOP, 29);
    assertThat(before.counts().failed()).as("retrying is not failing").isZero();
    assertThat(before.phase()).isEqualTo(Phase.STAGING);
    assertThat(before.blockers()).isEmpty();

    RolloutPlan after = cluster.run(STOP, 2);
    assertThat(blocker(after, "node-01"))
        .satisfies(
            b -> {
              assertThat(b.reason()).isEqualTo("StageTimedOut");
              assertThat(b.since()).isEqualTo(start);
              assertThat(b.message()).contains("retrying PullFailed");
            });
    assertThat(after.counts().failed()).isZero();
  }

  @Test
  void aDrainThatAPdbRefusesFromTheStartCountsAgainstTheDrainTimeout() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-00").behavior = Behavior.DRAIN_BLOCKED_BY_PDB;
    RolloutPolicy policy =
        SKIP_ONE.withDrain(Duration.ofMinutes(5), false).withMaxUnavailable(Quantity.count(1));
    Instant start = cluster.now;

    RolloutPlan last = cluster.run(policy, 30);

    SimulatedCluster.Node blocked = cluster.node("node-00");
    assertThat(blocked.cordons).as("never cordoned only to sit stuck").isZero();
    assertThat(blocked.outcome.kind()).isEqualTo(Outcome.Kind.SKIPPED);
    assertThat(blocked.outcome.reason()).startsWith("DrainBlocked: ");
    assertThat(last.phase()).isEqualTo(Phase.COMPLETED);
    Blocker named =
        cluster.plans.stream()
            .flatMap(p -> p.blockers().stream())
            .filter(b -> b.reason().equals("DrainBlocked"))
            .findFirst()
            .orElseThrow();
    assertThat(named.since())
        .as("counted from the first refusal, across plans that had no free slot")
        .isEqualTo(start.plus(Duration.ofMinutes(1)));
  }

  @Test
  void aRetriedDrainBlockedNodeIsNotSkippedAgainForTheOldRefusalEvenIfTheRetryStatusWasLost() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-00").behavior = Behavior.DRAIN_BLOCKED_BY_PDB;
    RolloutPolicy policy =
        SKIP_ONE.withDrain(Duration.ofMinutes(5), false).withMaxUnavailable(Quantity.count(1));
    cluster.run(policy, 30);
    assertThat(cluster.node("node-00").outcome.reason()).startsWith("DrainBlocked: ");

    // The budget is lifted and a person retries the node; the status written with the retry is
    // lost (a rejected write), so the next look still sees the old DrainBlocked blocker.
    cluster.node("node-00").behavior = Behavior.GOOD;
    List<Blocker> beforeRetry = cluster.blockers;
    cluster.step(policy.withRetry(new RolloutPolicy.Retry(false, Set.of("node-00"))));
    cluster.agentsAct();
    cluster.blockers = beforeRetry;

    RolloutPlan done = cluster.run(policy, 20);
    assertThat(cluster.node("node-00").outcome).as("not skipped again").isNull();
    assertThat(cluster.node("node-00").booted).isEqualTo(TARGET);
    assertThat(done.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(done.counts().skipped()).isZero();
  }

  @Test
  void aNodeThatNeverCameBackIsNamedAndKeptCordonedUnderStopNeverSentARollback() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-00").behavior = Behavior.NEVER_RETURNS;

    RolloutPlan last = cluster.run(STOP, 30);

    SimulatedCluster.Node gone = cluster.node("node-00");
    assertThat(blocker(last, "node-00").reason()).isEqualTo("NeverReturned");
    assertThat(gone.unschedulable).as("its slot is released only by policy").isTrue();
    assertThat(cluster.plans.stream().flatMap(p -> steps(p, NodeStep.Rollback.class).stream()))
        .as("no Rollback for an agent that cannot run it")
        .isEmpty();
    assertThat(last.phase()).isEqualTo(Phase.FAILED);
    assertThat(cluster.node("node-01").booted).isEqualTo(OLD);
  }

  @Test
  void skipReleasesANodeThatNeverCameBackAsFailed() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-00").behavior = Behavior.NEVER_RETURNS;

    // Two may be unavailable: the node that never came back is NotReady, and counts.
    RolloutPlan last = cluster.run(SKIP_ONE.withMaxUnavailable(Quantity.count(2)), 40);

    SimulatedCluster.Node gone = cluster.node("node-00");
    assertThat(gone.outcome.kind()).isEqualTo(Outcome.Kind.FAILED);
    assertThat(gone.outcome.reason()).startsWith("NeverReturned: ");
    assertThat(gone.unschedulable).isFalse();
    assertThat(cluster.plans.stream().flatMap(p -> steps(p, NodeStep.Rollback.class).stream()))
        .isEmpty();
    assertThat(last.counts().failed()).isEqualTo(1);
    assertThat(blocker(last, "node-00").reason()).as("still named").isEqualTo("NeverReturned");
    assertThat(cluster.node("node-01").booted).isEqualTo(TARGET);
    assertThat(cluster.node("node-02").booted).isEqualTo(TARGET);
  }

  @Test
  void theRetryLeverReissuesAStageTheAgentGaveUpOnAndLeavesFailed() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-01").behavior = Behavior.FAILS_TO_STAGE;

    RolloutPlan failed = cluster.run(STOP, 5);
    assertThat(failed.phase()).isEqualTo(Phase.FAILED);
    assertThat(cluster.node("node-01").outcome.kind()).isEqualTo(Outcome.Kind.FAILED);

    cluster.node("node-01").behavior = Behavior.GOOD; // the repository is back
    RolloutPlan retried =
        cluster.step(STOP.withRetry(new RolloutPolicy.Retry(false, Set.of("node-01"))));
    assertThat(steps(retried, NodeStep.Retry.class))
        .singleElement()
        .satisfies(r -> assertThat(r.node()).isEqualTo("node-01"));
    assertThat(retried.phase()).as("left Failed at once").isNotEqualTo(Phase.FAILED);
    assertThat(cluster.node("node-01").outcome).isNull();

    RolloutPlan done = cluster.run(STOP, 20);
    assertThat(done.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(cluster.nodes.values()).allSatisfy(n -> assertThat(n.booted).isEqualTo(TARGET));
  }

  @Test
  void retryAllBringsBackSkippedNodesAndLeavesOthersAlone() {
    SimulatedCluster cluster = new SimulatedCluster(3);
    cluster.node("node-01").behavior = Behavior.NO_AGENT;
    RolloutPolicy skipAll = SKIP_ONE.withFailurePolicy(false, 3);
    cluster.run(skipAll, 30);
    assertThat(cluster.node("node-01").outcome.kind()).isEqualTo(Outcome.Kind.SKIPPED);

    cluster.node("node-01").behavior = Behavior.GOOD;
    RolloutPlan retried = cluster.step(skipAll.withRetry(new RolloutPolicy.Retry(true, Set.of())));
    assertThat(steps(retried, NodeStep.Retry.class))
        .extracting(NodeStep::node)
        .containsExactly("node-01");

    RolloutPlan done = cluster.run(skipAll, 20);
    assertThat(done.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(done.counts().skipped()).isZero();
    assertThat(cluster.node("node-01").booted).isEqualTo(TARGET);
    assertThat(cluster.node("node-00").reboots).as("updated nodes untouched").isEqualTo(1);
  }
}
