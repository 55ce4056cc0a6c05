package dev.treewave.agent.host;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code none} strategy: records nothing and reboots nothing. Used in tests, where the harness
 * plays the bootloader: it sees the agent report {@code Rebooting}, stops the agent, marks the new
 * default deployment booted and starts the agent again.
 */
public final class NoRebooter implements Rebooter {

  private static final Logger LOG = LoggerFactory.getLogger(NoRebooter.class);

  @Override
  public void requestReboot(String reason) {
    LOG.info("Reboot strategy none: not rebooting ({})", reason);
  }

  @Override
  public String name() {
    return "none";
  }
}
