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
 */
public record RolloutSnapshot(
    Instant now,
    String targetCommit,
    RolloutPolicy policy,
    List<NodeView> nodes,
    List<FrozenWave> frozenWaves,
    String leaderNode) {

  public RolloutSnapshot {
    nodes = List.copyOf(nodes);
    frozenWaves = List.copyOf(frozenWaves);
  }
}
