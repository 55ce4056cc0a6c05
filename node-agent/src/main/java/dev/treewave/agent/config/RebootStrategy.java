package dev.treewave.agent.config;

/** How the agent reboots the node. */
public enum RebootStrategy {
  /** Ask the host's systemd, through nsenter into PID 1 (needs {@code hostPID: true}). */
  SYSTEMD,
  /** Run a configured command. */
  COMMAND,
  /** Do not reboot (tests: the harness plays the bootloader). */
  NONE
}
