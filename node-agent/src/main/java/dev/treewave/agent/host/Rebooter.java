package dev.treewave.agent.host;

/**
 * Asks the host to reboot. Implementations return once the request is made; the reboot itself
 * happens later and kills the agent. The agent calls this at most once per instruction.
 */
public interface Rebooter {

  void requestReboot(String reason) throws HostOsException;

  /** Short name for logs and metrics, e.g. {@code systemd}. */
  String name();
}
