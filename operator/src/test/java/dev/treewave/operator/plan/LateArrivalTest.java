package dev.treewave.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.AgentView.Action;
import dev.treewave.operator.plan.AgentView.PlannedInstruction;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pod that lands on a cordoned node after its drain, before the reboot. */
class LateArrivalTest {
  private static final RolloutPolicy POLICY =
      RolloutPolicy.defaults()
          .withHealth(Duration.ofMinutes(15), Duration.ZERO)
          .withWaves(List.of(WaveRule.of(Quantity.count(1))))
          .withMaxUnavailable(Quantity.count(1));

  /** Runs until node-00 has been told to activate; its agent is then held (not rebooted yet). */
  private static SimulatedCluster activatingNode00() {
    SimulatedCluster cluster = new SimulatedCluster(2);
    for (int i = 0; i < 30; i++) {
      cluster.step(POLICY);
      PlannedInstruction instr = cluster.node("node-00").instruction;
      if (instr != null && instr.action() == Action.ACTIVATE) {
        cluster.node("node-00").agentHeld = true;
        return cluster;
      }
      cluster.agentsAct();
      cluster.now = cluster.now.plus(Duration.ofMinutes(1));
    }
    throw new AssertionError("node-00 was never activated");
  }

  @Test
  void aPodArrivingAfterTheDrainIsEvictedAgainAndNamedUntilItIsGone() {
    SimulatedCluster cluster = activatingNode00();
    cluster.node("node-00").lateArrivals = List.of("pod apps/pinned-0");

    RolloutPlan plan = cluster.step(POLICY);

    assertThat(plan.steps()).contains(new NodeStep.Drain("node-00", false));
    assertThat(plan.blockers())
        .anySatisfy(
            b -> {
              assertThat(b.node()).isEqualTo("node-00");
              assertThat(b.reason()).isEqualTo(InFlightNodes.PODS_AFTER_DRAIN);
              assertThat(b.message()).contains("pod apps/pinned-0");
            });
    // The drain pass evicted it: the next plan has nothing to say about that node.
    RolloutPlan after = cluster.step(POLICY);
    assertThat(after.blockers()).noneMatch(b -> b.reason().equals(InFlightNodes.PODS_AFTER_DRAIN));
    assertThat(after.steps()).doesNotContain(new NodeStep.Drain("node-00", false));
  }

  @Test
  void theRolloutStillCompletesWithEveryNodeReleased() {
    SimulatedCluster cluster = activatingNode00();
    cluster.node("node-00").lateArrivals = List.of("pod apps/pinned-0");
    cluster.node("node-00").agentHeld = false;

    RolloutPlan plan = cluster.run(POLICY, 30);

    assertThat(plan.phase()).isEqualTo(RolloutPlan.Phase.COMPLETED);
    assertThat(cluster.node("node-00").unschedulable).isFalse();
    assertThat(cluster.node("node-01").unschedulable).isFalse();
  }
}
