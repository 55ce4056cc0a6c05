package dev.treewave.operator.plan;

import java.time.Instant;
import java.util.List;

/**
 * Wave membership as recorded in status when the rollout of a commit started. Membership stays
 * fixed for that commit, so adding nodes or restarting the operator never reshuffles waves.
 */
public record FrozenWave(int index, List<String> nodes, Instant completedAt) {
  public FrozenWave {
    nodes = List.copyOf(nodes);
  }
}
