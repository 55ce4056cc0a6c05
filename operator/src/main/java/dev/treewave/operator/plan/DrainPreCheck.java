package dev.treewave.operator.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Plans, then checks the PodDisruptionBudgets of exactly the nodes the plan would cordon. A blocked
 * node is fed back as such and the plan redone, so the next node in order is tried and no node is
 * cordoned only to sit stuck. Shared by the reconcile and the plan preview, so both decide alike.
 */
public final class DrainPreCheck {
  private DrainPreCheck() {}

  /**
   * @param blockersFor the pods on a node whose budget allows no eviction now (empty: drainable)
   */
  public static RolloutPlan plan(
      RolloutSnapshot snapshot, Function<String, List<String>> blockersFor) {
    List<NodeView> nodes = new ArrayList<>(snapshot.nodes());
    // Each round either settles or marks at least one more node blocked, so this terminates.
    for (int attempt = 0; attempt <= nodes.size(); attempt++) {
      RolloutPlan plan = RolloutPlanner.plan(snapshot.withNodes(nodes));
      boolean changed = false;
      for (NodeStep step : plan.steps()) {
        if (step instanceof NodeStep.Cordon) {
          List<String> blockers = blockersFor.apply(step.node());
          if (!blockers.isEmpty()) {
            nodes.replaceAll(n -> n.name().equals(step.node()) ? n.withBlockers(blockers) : n);
            changed = true;
          }
        }
      }
      if (!changed) {
        return plan;
      }
    }
    throw new IllegalStateException("drain pre-check did not settle");
  }
}
