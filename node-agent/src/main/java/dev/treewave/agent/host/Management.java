package dev.treewave.agent.host;

/**
 * Whether this agent may manage the host's OSTree system. The agent refuses to act unless it is
 * {@link Managed}: fighting another update tool, or writing deployments on a host that did not boot
 * from OSTree, can leave the node unbootable.
 */
public sealed interface Management {

  /** The host booted from an OSTree deployment and no other tool manages it. */
  record Managed() implements Management {}

  /** The host did not boot from OSTree (no {@code /run/ostree-booted}). */
  record NotOstreeBooted(String detail) implements Management {}

  /** Another tool manages the OSTree system, for example the rpm-ostree daemon. */
  record ManagedByOther(String tool, String detail) implements Management {}
}
