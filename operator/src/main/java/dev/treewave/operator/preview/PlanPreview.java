package dev.treewave.operator.preview;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.operator.kube.Drainer;
import dev.treewave.operator.kube.KubeRolloutCluster;
import dev.treewave.operator.plan.DrainPreCheck;
import dev.treewave.operator.plan.RolloutPlan;
import dev.treewave.operator.plan.RolloutSnapshot;
import dev.treewave.operator.rollout.RolloutCluster;
import dev.treewave.operator.spec.PolicyMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
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
      RolloutCluster.ClusterRead read = cluster.read(image, target);
      RolloutPlan plan =
          DrainPreCheck.plan(
              new RolloutSnapshot(
                  Instant.now(),
                  target,
                  PolicyMapper.toPolicy(image),
                  read.nodes(),
                  List.of(),
                  leaderNode),
              cluster.drainBlockers(image));
      StringBuilder out =
          new StringBuilder(PlanTable.render(image.getMetadata().getName(), target, plan));
      read.conflicts().forEach(c -> out.append("Conflict: ").append(c).append('\n'));
      return out.toString();
    }
  }
}
