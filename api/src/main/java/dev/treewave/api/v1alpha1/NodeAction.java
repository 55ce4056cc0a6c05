package dev.treewave.api.v1alpha1;

/** What the operator allows a node agent to do. Only Activate and Rollback may reboot. */
public enum NodeAction {
  /** Do nothing; report status. */
  None,
  /**
   * Pull and verify the commit and deploy it staged and finalization-locked, so an unplanned reboot
   * still boots the current deployment. Done when a pending deployment with the commit exists.
   */
  Stage,
  /** Stage the commit if needed, unlock it and reboot into it. Done when the node booted it. */
  Activate,
  /**
   * Make the existing deployment with this commit (normally the rollback deployment) the default
   * and reboot into it; never downloads. Done when the node booted it.
   */
  Rollback
}
