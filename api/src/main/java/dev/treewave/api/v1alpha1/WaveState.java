package dev.treewave.api.v1alpha1;

/** Progress of one wave. */
public enum WaveState {
  Pending,
  InProgress,
  /** Done, and the pause after it has not ended yet. */
  Paused,
  Completed,
  Failed
}
