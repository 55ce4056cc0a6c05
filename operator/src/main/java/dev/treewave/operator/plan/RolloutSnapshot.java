package dev.treewave.operator.plan;

import java.time.Instant;
import java.util.List;

/**
 * Everything the planner looks at.
 *
 * @param targetCommit the commit to roll out, or null while unresolved
 * @param nodes targeted nodes, plus nodes this OSImage still has cordoned
 * @param frozenWaves wave membership recorded for {@code targetCommit}; empty at the start
 * @param leaderNode the node the operator's leader runs on (updated last), or null
 * @param previousBlockers the blockers the last status showed (with their times): the memory of how
 *     long a PodDisruptionBudget has refused a node that was not cordoned
 */
public record RolloutSnapshot(
    Instant now,
    String targetCommit,
    RolloutPolicy policy,
    List<NodeView> nodes,
    List<FrozenWave> frozenWaves,
    String leaderNode,
    List<RolloutPlan.Blocker> previousBlockers) {

  public RolloutSnapshot {
    nodes = List.copyOf(nodes);
    frozenWaves = List.copyOf(frozenWaves);
    previousBlockers = List.copyOf(previousBlockers);
  }

  public RolloutSnapshot(
      Instant now,
      String targetCommit,
      RolloutPolicy policy,
      List<NodeView> nodes,
      List<FrozenWave> frozenWaves,
      String leaderNode) {
    this(now, targetCommit, policy, nodes, frozenWaves, leaderNode, List.of());
  }

  /** The same snapshot with other node views. */
  public RolloutSnapshot withNodes(List<NodeView> views) {
    return new RolloutSnapshot(
        now, targetCommit, policy, views, frozenWaves, leaderNode, previousBlockers);
  }
}
