package dev.treewave.operator.preview;

import dev.treewave.operator.plan.NodeState;
import dev.treewave.operator.plan.NodeStep;
import dev.treewave.operator.plan.RolloutPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a plan the way kubectl renders tables: which node goes in which wave and order, where
 * each stands, what would happen to it next, and why the rollout waits.
 */
public final class PlanTable {
  private PlanTable() {}

  public static String render(String image, String target, RolloutPlan plan) {
    Map<String, String> next = new HashMap<>();
    for (NodeStep step : plan.steps()) {
      next.putIfAbsent(step.node(), step.getClass().getSimpleName());
    }
    Map<String, String> blocked = new HashMap<>();
    plan.blockers().forEach(b -> blocked.putIfAbsent(b.node(), b.reason()));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"WAVE", "ORDER", "NODE", "STATE", "NEXT", "BLOCKED"});
    int order = 1;
    for (RolloutPlan.PlannedWave wave : plan.waves()) {
      for (String node : wave.nodes()) {
        NodeState state = plan.nodeStates().get(node);
        rows.add(
            new String[] {
              String.valueOf(wave.index()),
              String.valueOf(order++),
              node,
              state != null ? state.name() : "-",
              next.getOrDefault(node, "-"),
              blocked.getOrDefault(node, "-")
            });
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("OSImage ").append(image).append(" -> ").append(target).append('\n');
    out.append("Phase: ").append(plan.phase()).append("   Waves: ").append(plan.waves().size());
    out.append("   Nodes: ").append(plan.counts().total()).append("\n\n");
    out.append(table(rows)).append('\n');
    out.append("Order: ").append(plan.order()).append('\n');
    if (plan.waitingFor() != null) {
      out.append("Waiting: ").append(plan.waitingFor()).append('\n');
    }
    plan.blockers()
        .forEach(
            b ->
                out.append("Blocked: ")
                    .append(b.node())
                    .append(": ")
                    .append(b.message())
                    .append('\n'));
    out.append("Preview only: nothing was changed.\n");
    return out.toString();
  }

  private static String table(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        out.append(
            i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
