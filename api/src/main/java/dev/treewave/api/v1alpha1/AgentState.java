package dev.treewave.api.v1alpha1;

/** The node agent's state, as it reports it. */
public enum AgentState {
  Idle,
  Pulling,
  Verifying,
  /** Checking the verified commit out and staging it (3-way /etc merge, kernel arguments). */
  Staging,
  /** The instruction's commit is deployed, staged and locked. */
  Staged,
  /** Staged, waiting for an Activate instruction. */
  WaitingForPermission,
  Activating,
  Rebooting,
  /** Booted the instruction's commit after Activate. */
  Booted,
  RollingBack,
  /**
   * After Activate or Rollback the node booted another deployment than the one it was to boot (the
   * bootloader fell back); see lastError (reason BootFailed). A failure, like Failed.
   */
  BootFailed,
  /** The last instruction failed; see lastError. */
  Failed,
  /** The agent does not manage this node (e.g. not an OSTree system). */
  Unmanaged
}
