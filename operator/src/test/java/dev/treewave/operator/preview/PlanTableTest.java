package dev.treewave.operator.preview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.AgentView;
import dev.treewave.operator.plan.NodeView;
import dev.treewave.operator.plan.Quantity;
import dev.treewave.operator.plan.RolloutPlan;
import dev.treewave.operator.plan.RolloutPlanner;
import dev.treewave.operator.plan.RolloutPolicy;
import dev.treewave.operator.plan.RolloutSnapshot;
import dev.treewave.operator.plan.WaveRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTableTest {
  private static final String T = "d".repeat(64);

  @Test
  void showsWavesOrderStateAndWhatIsNext() {
    List<NodeView> nodes = new ArrayList<>();
    for (String n : List.of("w1", "w2", "w3", "w4")) {
      AgentView staged = new AgentView(null, null, null, null, "0".repeat(64), T, null, "41", null);
      List<String> blockers =
          n.equals("w1")
              ? List.of("pod a/db-0: PodDisruptionBudget db allows 0 disruptions")
              : List.of();
      nodes.add(
          new NodeView(
              n, null, true, null, false, false, null, false, List.of(), blockers, true, staged));
    }
    RolloutPolicy policy =
        RolloutPolicy.defaults()
            .withWaves(List.of(WaveRule.of(Quantity.count(1)), WaveRule.of(Quantity.count(2))));
    RolloutPlan plan =
        RolloutPlanner.plan(
            new RolloutSnapshot(
                Instant.parse("2026-03-02T10:00:00Z"), T, policy, nodes, List.of(), "w4"));

    String out = PlanTable.render("fedora", T, plan);

    assertThat(out).containsPattern("WAVE\\s+ORDER\\s+NODE\\s+STATE\\s+NEXT\\s+BLOCKED");
    // The canary cannot be drained, so nothing else starts: canary first means canary first.
    assertThat(out).containsPattern("0\\s+1\\s+w1\\s+STAGED\\s+-\\s+DrainWouldBlock");
    assertThat(out).containsPattern("1\\s+2\\s+w2\\s+STAGED\\s+-\\s+-");
    assertThat(out).containsPattern("2\\s+4\\s+w4\\s+STAGED");
    assertThat(out).contains("w4 runs the operator's leader and goes last");
    assertThat(out).contains("Blocked: w1: eviction not allowed now");
    assertThat(out).contains("Preview only: nothing was changed.");
  }
}
