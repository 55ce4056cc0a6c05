package dev.treewave.operator.preview;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.operator.kube.Drainer;
import dev.treewave.operator.kube.KubeRolloutCluster;
import dev.treewave.operator.plan.NodeStep;
import dev.treewave.operator.plan.NodeView;
import dev.treewave.operator.plan.RolloutPlan;
import dev.treewave.operator.plan.RolloutPlanner;
import dev.treewave.operator.plan.RolloutSnapshot;
import dev.treewave.operator.rollout.RolloutCluster;
import dev.treewave.operator.spec.PolicyMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator would do for an OSImage, computed from the live cluster without writing
 * anything: the same read, the same PDB pre-check and the same planner as a real reconcile.
 */
public final class PlanPreview {
  private PlanPreview() {}

  public static String render(
      KubernetesClient client, OSImage image, String target, String leaderNode) {
    try (Drainer drainer = new Drainer(client, Clock.systemUTC())) {
      KubeRolloutCluster cluster = new KubeRolloutCluster(client, drainer);
      RolloutCluster.ClusterRead read = cluster.observe(image, target);
      List<NodeView> nodes = new ArrayList<>(read.nodes());
      RolloutPlan plan = null;
      for (int attempt = 0; attempt <= nodes.size(); attempt++) {
        plan =
            RolloutPlanner.plan(
                new RolloutSnapshot(
                    Instant.now(),
                    target,
                    PolicyMapper.toPolicy(image),
                    nodes,
                    List.of(),
                    leaderNode));
        boolean changed = false;
        for (NodeStep step : plan.steps()) {
          if (step instanceof NodeStep.Cordon) {
            List<String> blockers = cluster.drainBlockers(image, step.node());
            if (!blockers.isEmpty()) {
              nodes.replaceAll(n -> n.name().equals(step.node()) ? blocked(n, blockers) : n);
              changed = true;
            }
          }
        }
        if (!changed) {
          break;
        }
      }
      StringBuilder out =
          new StringBuilder(PlanTable.render(image.getMetadata().getName(), target, plan));
      read.conflicts().forEach(c -> out.append("Conflict: ").append(c).append('\n'));
      return out.toString();
    }
  }

  private static NodeView blocked(NodeView n, List<String> blockers) {
    return new NodeView(
        n.name(),
        n.zone(),
        n.ready(),
        n.readySince(),
        n.unschedulable(),
        n.cordonedByUs(),
        n.drainStartedAt(),
        n.drained(),
        blockers,
        n.podsHealthy(),
        n.agent());
  }
}
