package dev.treewave.operator.plan;

import dev.treewave.operator.plan.AgentView.Outcome;

/**
 * One thing to do to one node now. Every step is idempotent: applying it twice, or after a restart,
 * changes nothing more than applying it once.
 */
public sealed interface NodeStep {
  String node();

  /** Tell the agent to pull, verify and stage (locked) the commit. No disruption. */
  record Stage(String node, String commit) implements NodeStep {}

  /**
   * Cordon the node and mark it as ours (annotation with the OSImage and the drain start time). The
   * PodDisruptionBudget pre-check has passed.
   */
  record Cordon(String node) implements NodeStep {}

  /** Evict what is left on the node; {@code force} deletes instead, ignoring budgets. */
  record Drain(String node, boolean force) implements NodeStep {}

  /** Tell the agent to boot the staged commit. The node is cordoned and drained. */
  record Activate(String node, String commit) implements NodeStep {}

  /** Tell the agent to boot {@code commit} (already on disk) and record why. */
  record Rollback(String node, String commit, Outcome outcome) implements NodeStep {}

  /**
   * Take back a Stage instruction for a commit that is no longer the target (the spec changed), so
   * the agent stops pulling it. Never disrupts.
   */
  record Withdraw(String node) implements NodeStep {}

  /** Record an outcome without touching the node. */
  record RecordOutcome(String node, Outcome outcome) implements NodeStep {}

  /**
   * A person asked to retry this failed, skipped or stuck node: drop the recorded outcome and issue
   * a fresh Stage of {@code commit} (a new id, so the agent acts again and deadlines restart).
   */
  record Retry(String node, String commit) implements NodeStep {}

  /**
   * Uncordon a node we cordoned and drop our annotations; first record {@code outcome} when not
   * null, so a crash in between cannot lose it.
   */
  record Release(String node, Outcome outcome) implements NodeStep {}
}
