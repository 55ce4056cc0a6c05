package dev.treewave.api.v1alpha1;

/** What the rollout does once too many nodes failed. */
public enum FailureAction {
  Pause,
  Rollback
}
