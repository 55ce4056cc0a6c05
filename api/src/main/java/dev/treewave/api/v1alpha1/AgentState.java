package dev.treewave.api.v1alpha1;

/** The node agent's state, as it reports it. */
public enum AgentState {
  Idle,
  Pulling,
  Verifying,
  /** The instruction's commit is deployed, staged and locked. */
  Staged,
  /** Staged, waiting for an Activate instruction. */
  WaitingForPermission,
  Activating,
  Rebooting,
  /** Booted the instruction's commit after Activate. */
  Booted,
  RollingBack,
  /** The last instruction failed; see lastError. */
  Failed,
  /** The agent does not manage this node (e.g. not an OSTree system). */
  Unmanaged
}
