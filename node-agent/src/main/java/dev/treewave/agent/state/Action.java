package dev.treewave.agent.state;

/** What the operator tells a node to do with a commit. */
public enum Action {
  /** Nothing: the agent stays idle and only reports. */
  NONE,
  /** Pull, verify and stage the commit, then wait; never reboots. */
  STAGE,
  /** Make the commit the default (staging it first if needed) and reboot into it. */
  ACTIVATE,
  /** Make the previous deployment the default and reboot into it; downloads nothing. */
  ROLLBACK;

  /** Whether this action allows the agent to reboot the node. */
  public boolean permitsReboot() {
    return this == ACTIVATE || this == ROLLBACK;
  }
}
