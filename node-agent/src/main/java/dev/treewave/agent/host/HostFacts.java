package dev.treewave.agent.host;

import java.util.Objects;

/**
 * One consistent look at the host: who manages it, which boot this is, and its deployments.
 *
 * @param bootId the kernel's boot id ({@code /proc/sys/kernel/random/boot_id}); it changes on every
 *     boot, which is how the agent knows whether a reboot it asked for has happened
 */
public record HostFacts(Management management, String bootId, Deployments deployments) {

  public HostFacts {
    Objects.requireNonNull(management, "management");
    Objects.requireNonNull(bootId, "bootId");
    Objects.requireNonNull(deployments, "deployments");
  }

  public boolean managed() {
    return management instanceof Management.Managed;
  }
}
