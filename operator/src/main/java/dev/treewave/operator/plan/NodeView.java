package dev.treewave.operator.plan;

import java.time.Instant;
import java.util.List;

/**
 * One targeted node as the cluster shows it now: the Node's own state plus what its agent reports.
 *
 * @param zone topology zone label, or null
 * @param readySince when the Ready condition last became true, or null
 * @param unschedulable cordoned, by anyone
 * @param cordonedByUs cordoned by this operator for this OSImage (the annotation is the durable
 *     record; only such nodes are ever uncordoned)
 * @param drainStartedAt when our drain began, or null
 * @param drained no pods left on the node that must be evicted
 * @param podsToEvict the pods that must still leave (names), listed only while we drain the node or
 *     wait for its reboot: a pod with {@code nodeName} set, or tolerating the unschedulable taint,
 *     can land on a cordoned node after its drain
 * @param drainBlockers pods whose PodDisruptionBudget allows no eviction right now (checked before
 *     cordoning, so a node is never cordoned only to sit stuck)
 * @param podsHealthy the pods the health gate selects on this node are Ready
 * @param agent the node agent's report, or null when it has none yet
 */
public record NodeView(
    String name,
    String zone,
    boolean ready,
    Instant readySince,
    boolean unschedulable,
    boolean cordonedByUs,
    Instant drainStartedAt,
    boolean drained,
    List<String> podsToEvict,
    List<String> drainBlockers,
    boolean podsHealthy,
    AgentView agent) {

  public NodeView {
    podsToEvict = List.copyOf(podsToEvict);
    drainBlockers = List.copyOf(drainBlockers);
  }

  /** The same node, with the pods whose budget blocks its drain. */
  public NodeView withBlockers(List<String> blockers) {
    return new NodeView(
        name,
        zone,
        ready,
        readySince,
        unschedulable,
        cordonedByUs,
        drainStartedAt,
        drained,
        podsToEvict,
        blockers,
        podsHealthy,
        agent);
  }

  public AgentView agentOrEmpty() {
    return agent != null ? agent : AgentView.EMPTY;
  }
}
