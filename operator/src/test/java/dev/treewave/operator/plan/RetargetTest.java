package dev.treewave.operator.plan;

import static dev.treewave.operator.plan.SimulatedCluster.OLD;
import static dev.treewave.operator.plan.SimulatedCluster.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.AgentView.Action;
import dev.treewave.operator.plan.AgentView.PlannedInstruction;
import dev.treewave.operator.plan.RolloutPlan.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A new target while a wave is in flight (a GitOps revert or a newer commit). */
class RetargetTest {
  private static final String NEWER = "b".repeat(64);

  private static final RolloutPolicy POLICY =
      RolloutPolicy.defaults()
          .withHealth(Duration.ofMinutes(15), Duration.ZERO)
          .withWaves(List.of(WaveRule.of(Quantity.count(1))))
          .withMaxUnavailable(Quantity.count(1));

  private static <T extends NodeStep> List<T> steps(RolloutPlan plan, Class<T> type) {
    return plan.steps().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Runs until node-01 has been told to activate the target; its agent is then "rebooting". */
  private static SimulatedCluster activatingNode01() {
    SimulatedCluster cluster = new SimulatedCluster(5);
    for (int i = 0; i < 30; i++) {
      cluster.step(POLICY);
      PlannedInstruction instr = cluster.node("node-01").instruction;
      if (instr != null && instr.action() == Action.ACTIVATE) {
        cluster.node("node-01").agentHeld = true;
        return cluster;
      }
      cluster.agentsAct();
      cluster.now = cluster.now.plus(Duration.ofMinutes(1));
    }
    throw new AssertionError("node-01 was never activated");
  }

  @Test
  void aNodeStillRunningTheNewTargetButActivatingTheOldOneIsNotVerifiedButActivating() {
    // The reported bug: booted on the new target, its Activate of the abandoned one unfinished.
    NodeView node =
        new NodeView(
            "node-01",
            null,
            true,
            Instant.EPOCH,
            true,
            true,
            Instant.EPOCH,
            true,
            List.of(),
            List.of(),
            true,
            new AgentView(
                new PlannedInstruction("a-1", Action.ACTIVATE, TARGET, Instant.EPOCH),
                "s-1",
                null,
                null,
                OLD,
                TARGET,
                null,
                null,
                null));
    assertThat(NodeState.of(node, OLD)).isEqualTo(NodeState.ACTIVATING);
    assertThat(NodeState.of(node, OLD).inSlot()).isTrue();
  }

  @Test
  void revertWhileANodeActivatesFinishesItsStepThenRollsBackWithoutDownloadWithinBudget() {
    SimulatedCluster cluster = activatingNode01();
    List<List<String>> wavesBefore =
        cluster.plans.get(cluster.plans.size() - 1).waves().stream()
            .map(RolloutPlan.PlannedWave::nodes)
            .toList();

    cluster.target = OLD; // git revert
    cluster.now = cluster.now.plus(Duration.ofSeconds(5));
    RolloutPlan plan = cluster.step(POLICY);

    assertThat(plan.nodeStates())
        .containsEntry("node-00", NodeState.STAGED) // OLD is its rollback deployment
        .containsEntry("node-01", NodeState.ACTIVATING) // may be rebooting: keeps its slot
        .containsEntry("node-02", NodeState.UPDATED);
    assertThat(steps(plan, NodeStep.Release.class)).as("node-01 stays cordoned").isEmpty();
    assertThat(steps(plan, NodeStep.Cordon.class)).as("its slot is still taken").isEmpty();
    assertThat(steps(plan, NodeStep.Stage.class)).as("nothing to download").isEmpty();
    assertThat(steps(plan, NodeStep.Withdraw.class))
        .extracting(NodeStep::node)
        .as("staged-only nodes drop the abandoned Stage")
        .containsExactly("node-02", "node-03", "node-04");
    assertThat(plan.waves()).extracting(RolloutPlan.PlannedWave::nodes).isEqualTo(wavesBefore);

    cluster.node("node-01").agentHeld = false; // the reboot into TARGET happens
    cluster.agentsAct();
    RolloutPlan last = cluster.run(POLICY, 40);

    assertThat(last.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(cluster.maxUnavailableSeen).isEqualTo(1);
    assertThat(cluster.nodes.values())
        .allSatisfy(
            n -> {
              assertThat(n.booted).isEqualTo(OLD);
              assertThat(n.unschedulable).as(n.name + " left cordoned").isFalse();
              assertThat(n.stagesOf).as(n.name + " downloads OLD").doesNotContainKey(OLD);
            });
    // node-01 booted TARGET once (its step) and OLD once; it was never released in between.
    assertThat(cluster.node("node-01").rebootsInto).isEqualTo(Map.of(TARGET, 1, OLD, 1));
    assertThat(cluster.node("node-01").cordons).isEqualTo(1);
    assertThat(cluster.node("node-00").rebootsInto).isEqualTo(Map.of(TARGET, 1, OLD, 1));
    for (String untouched : List.of("node-02", "node-03", "node-04")) {
      assertThat(cluster.node(untouched).reboots).as(untouched).isZero();
      assertThat(cluster.node(untouched).cordons).as(untouched).isZero();
    }
    // Waves hold: the canary goes back first, then the rest.
    assertThat(cluster.cordonOrder).containsExactly("node-00", "node-01", "node-00");
  }

  @Test
  void aNewerTargetWhileANodeActivatesKeepsItCordonedAndSendsItOnWithOneRebootPerCommit() {
    SimulatedCluster cluster = activatingNode01();
    cluster.target = NEWER;
    RolloutPlan plan = cluster.step(POLICY);
    assertThat(plan.nodeStates()).containsEntry("node-01", NodeState.ACTIVATING);
    assertThat(steps(plan, NodeStep.Stage.class))
        .extracting(NodeStep::node)
        .as("every other node stages the newer commit, replacing the abandoned Stage")
        .containsExactly("node-00", "node-02", "node-03", "node-04");
    assertThat(steps(plan, NodeStep.Withdraw.class)).isEmpty();

    cluster.node("node-01").agentHeld = false;
    cluster.agentsAct();
    RolloutPlan last = cluster.run(POLICY, 60);

    assertThat(last.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(cluster.maxUnavailableSeen).isEqualTo(1);
    assertThat(cluster.nodes.values()).allSatisfy(n -> assertThat(n.booted).isEqualTo(NEWER));
    assertThat(cluster.node("node-01").rebootsInto).isEqualTo(Map.of(TARGET, 1, NEWER, 1));
    assertThat(cluster.node("node-01").cordons).as("never released in between").isEqualTo(1);
    assertThat(cluster.node("node-03").rebootsInto).isEqualTo(Map.of(NEWER, 1));
  }

  @Test
  void anActivationOfTheAbandonedTargetThatTimesOutCancelsBackToWhatTheNodeRuns() {
    SimulatedCluster cluster = activatingNode01();
    cluster.target = OLD;
    cluster.now = cluster.now.plus(Duration.ofMinutes(16)); // past the 15 min health timeout
    cluster.node("node-01").lastSeen = cluster.now; // its agent reports, but never boots it
    RolloutPlan plan = cluster.step(POLICY);
    assertThat(steps(plan, NodeStep.Rollback.class))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.node()).isEqualTo("node-01");
              assertThat(r.commit()).as("what it runs: no reboot").isEqualTo(OLD);
            });
    assertThat(plan.newFailures())
        .extracting(RolloutPlan.Blocker::reason)
        .contains("ActivationTimedOut");
  }
}
