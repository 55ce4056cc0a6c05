package dev.treewave.api.v1alpha1;

/** A one-word summary of a rollout, for {@code kubectl get osimages}. */
public enum OSImagePhase {
  /** Nothing decided yet: no target commit, or no nodes selected. */
  Pending,
  /** Staging the commit on nodes ahead of the first disruption. */
  Staging,
  /** Disrupting nodes wave by wave. */
  RollingOut,
  /** Stopped by spec.paused or a pause between waves. */
  Paused,
  /** Waiting for the next maintenance window. */
  WaitingForWindow,
  /** Every targeted node runs the target and passed its health gate. */
  Completed,
  /** The failure policy stopped the rollout. */
  Failed,
  /** spec.rollback: sending updated nodes back to their previous deployment. */
  RollingBack,
  /** spec.rollback: every node that was updated is back on its previous deployment. */
  RolledBack
}
