package dev.treewave.api.v1alpha1;

/** What the rollout does about a node that is stuck past its deadline. */
public enum StuckNodeAction {
  /**
   * Stop disrupting more nodes while the node is stuck (phase Failed, Stalled). Nothing is recorded
   * about the node: once the cause goes away (the agent reports again, the PDB allows eviction) the
   * rollout goes on by itself.
   */
  Stop,
  /**
   * Give up on the node for this target (counted as skipped, against failurePolicy.maxFailedNodes)
   * and go on with the others. A skipped node is retried only by the retry annotation.
   */
  Skip
}
