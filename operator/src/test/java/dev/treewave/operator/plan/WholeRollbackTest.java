package dev.treewave.operator.plan;

import static dev.treewave.operator.plan.SimulatedCluster.OLD;
import static dev.treewave.operator.plan.SimulatedCluster.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.AgentView.Action;
import dev.treewave.operator.plan.AgentView.Outcome.Kind;
import dev.treewave.operator.plan.AgentView.PlannedInstruction;
import dev.treewave.operator.plan.RolloutPlan.Phase;
import dev.treewave.operator.plan.WaveRule.PauseRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spec.rollback: every updated node goes back to its previous deployment. */
class WholeRollbackTest {
  private static final RolloutPolicy POLICY =
      RolloutPolicy.defaults()
          .withHealth(Duration.ofMinutes(15), Duration.ZERO)
          .withWaves(
              List.of(
                  WaveRule.of(Quantity.count(1)),
                  new WaveRule(Quantity.count(2), null, PauseRule.UNTIL_RESUMED)))
          .withMaxUnavailable(Quantity.count(2));

  private static final RolloutPolicy ROLLBACK = POLICY.withRollbackAll(true);

  private static <T extends NodeStep> List<T> steps(RolloutPlan plan, Class<T> type) {
    return plan.steps().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Canary and wave 1 done, paused until resumed before the rest. */
  private static SimulatedCluster afterTwoWaves() {
    SimulatedCluster cluster = new SimulatedCluster(6);
    RolloutPlan plan = cluster.run(POLICY, 30);
    assertThat(plan.phase()).isEqualTo(Phase.PAUSED);
    assertThat(plan.counts().updated()).isEqualTo(3);
    return cluster;
  }

  @Test
  void afterTwoWavesEveryUpdatedNodeGoesBackWithinTheBudgetWithoutDownloadOrWavePause() {
    SimulatedCluster cluster = afterTwoWaves();
    int cordonsBefore = cluster.cordonOrder.size();

    RolloutPlan first = cluster.step(ROLLBACK);
    assertThat(first.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(steps(first, NodeStep.RecordOutcome.class))
        .extracting(NodeStep::node)
        .containsExactly("node-00", "node-01", "node-02");
    assertThat(steps(first, NodeStep.Withdraw.class))
        .extracting(NodeStep::node)
        .as("staged nodes stop holding the target")
        .containsExactly("node-03", "node-04", "node-05");
    RolloutPlan last = cluster.run(ROLLBACK, 30);

    assertThat(last.phase()).isEqualTo(Phase.ROLLED_BACK);
    assertThat(last.counts().rolledBack()).isEqualTo(3);
    assertThat(cluster.maxUnavailableSeen).isEqualTo(2);
    assertThat(cluster.cordonOrder.subList(cordonsBefore, cluster.cordonOrder.size()))
        .containsExactly("node-00", "node-01", "node-02");
    for (String n : List.of("node-00", "node-01", "node-02")) {
      assertThat(cluster.node(n).booted).isEqualTo(OLD);
      assertThat(cluster.node(n).rebootsInto).isEqualTo(Map.of(TARGET, 1, OLD, 1));
      assertThat(cluster.node(n).outcome.kind()).isEqualTo(Kind.ROLLED_BACK);
      assertThat(cluster.node(n).unschedulable).isFalse();
    }
    for (String n : List.of("node-03", "node-04", "node-05")) {
      assertThat(cluster.node(n).reboots).as(n).isZero();
      assertThat(cluster.node(n).booted).isEqualTo(OLD);
    }
    assertThat(cluster.plans.subList(cluster.plans.size() - 31, cluster.plans.size()))
        .allSatisfy(p -> assertThat(steps(p, NodeStep.Stage.class)).isEmpty());
  }

  @Test
  void aNodeInTheHealthGateGoesBackAtOnceAndADrainingOneIsReleasedWithoutBooting() {
    SimulatedCluster cluster = new SimulatedCluster(4);
    for (int i = 0;
        i < 10
            && !(TARGET.equals(cluster.node("node-00").booted)
                && !cluster.node("node-00").unschedulable);
        i++) {
      cluster.step(POLICY);
      cluster.agentsAct();
    }
    // node-01 booted the target and is in its health gate; node-02 is cordoned, draining.
    SimulatedCluster.Node verifying = cluster.node("node-01");
    verifying.cordonedByUs = verifying.unschedulable = verifying.drained = true;
    verifying.instruction = new PlannedInstruction("a-1", Action.ACTIVATE, TARGET, cluster.now);
    verifying.lastCompleted = "a-1";
    verifying.previous = OLD;
    verifying.booted = TARGET;
    verifying.ready = false;
    SimulatedCluster.Node draining = cluster.node("node-02");
    draining.cordonedByUs = draining.unschedulable = true;
    draining.drained = false;

    RolloutPlan plan = cluster.step(ROLLBACK);

    assertThat(plan.nodeStates())
        .containsEntry("node-01", NodeState.VERIFYING)
        .containsEntry("node-02", NodeState.DRAINING);
    assertThat(steps(plan, NodeStep.Rollback.class))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.node()).isEqualTo("node-01");
              assertThat(r.commit()).isEqualTo(OLD);
            });
    assertThat(steps(plan, NodeStep.Release.class))
        .extracting(NodeStep::node)
        .as("still on its old OS: released at once, not drained further")
        .containsExactly("node-02");
    assertThat(steps(plan, NodeStep.Activate.class)).isEmpty();
  }

  @Test
  void aRetryOfAllAfterTheRollbackRollsTheSameCommitForwardAgain() {
    SimulatedCluster cluster = afterTwoWaves();
    cluster.run(ROLLBACK, 30);
    // A person's retry is a new change: each node may boot the target once more.
    cluster.nodes.values().forEach(n -> n.rebootsInto.clear());
    RolloutPolicy forward =
        POLICY.withRetry(new RolloutPolicy.Retry(true, java.util.Set.of())).withResumedWave(2);
    RolloutPlan retried = cluster.step(forward);
    assertThat(steps(retried, NodeStep.Retry.class))
        .extracting(NodeStep::node)
        .containsExactly("node-00", "node-01", "node-02");
    RolloutPlan last = cluster.run(POLICY.withResumedWave(2), 40);
    assertThat(last.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(cluster.nodes.values()).allSatisfy(n -> assertThat(n.booted).isEqualTo(TARGET));
  }

  @Test
  void aNodeWithoutAPreviousDeploymentIsNamedNotCordoned() {
    SimulatedCluster cluster = afterTwoWaves();
    cluster.node("node-01").previous = null;
    RolloutPlan plan = cluster.step(ROLLBACK);
    assertThat(plan.blockers())
        .anySatisfy(
            b -> {
              assertThat(b.node()).isEqualTo("node-01");
              assertThat(b.reason()).isEqualTo("NoRollbackDeployment");
            });
    RolloutPlan last = cluster.run(ROLLBACK, 20);
    assertThat(cluster.node("node-01").booted).isEqualTo(TARGET);
    assertThat(cluster.node("node-01").unschedulable).isFalse();
    assertThat(last.counts().rolledBack()).isEqualTo(2);
  }

  @Test
  void aRolledBackNodeWhosePodsStayUnhealthyKeepsItsSlotAndStopsTheRollback() {
    SimulatedCluster cluster = afterTwoWaves();
    RolloutPolicy oneAtATime = ROLLBACK.withMaxUnavailable(Quantity.count(1));
    cluster.step(oneAtATime); // marks
    cluster.step(oneAtATime); // cordons node-00
    cluster.node("node-00").podsHealthy = false;
    for (int i = 0; i < 20; i++) {
      cluster.agentsAct();
      cluster.now = cluster.now.plus(Duration.ofMinutes(1));
      cluster.step(oneAtATime);
    }
    RolloutPlan last = cluster.plans.get(cluster.plans.size() - 1);
    assertThat(cluster.node("node-00").booted).isEqualTo(OLD);
    assertThat(cluster.node("node-00").instruction.action()).isEqualTo(Action.ROLLBACK);
    assertThat(cluster.node("node-00").unschedulable).as("left for a person").isTrue();
    assertThat(last.blockers())
        .extracting(RolloutPlan.Blocker::reason)
        .contains("RollbackUnhealthy");
    assertThat(cluster.node("node-01").cordons).as("no second node").isEqualTo(1);
    assertThat(last.phase()).isEqualTo(Phase.ROLLING_BACK);
  }
}
