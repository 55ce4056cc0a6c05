package dev.treewave.agent.state;

import dev.treewave.agent.host.SpaceNeeded;
import java.util.Objects;

/**
 * The free-space check before a pull: what the pull needs (and how well that is known), the reserve
 * that must stay free, and what was free.
 *
 * @param needed what the pull still needs to write
 * @param reserveBytes bytes that must remain free after the pull
 * @param freeBytes bytes free for the repository when checked (after pruning, if it pruned)
 */
public record DiskCheck(SpaceNeeded needed, long reserveBytes, long freeBytes) {

  public DiskCheck {
    Objects.requireNonNull(needed, "needed");
  }

  public boolean enough() {
    return freeBytes >= needed.bytes() + reserveBytes;
  }

  /** One sentence for the OSNode's status; says plainly when only the reserve could be checked. */
  public String message(String commit) {
    String free = ", and " + freeBytes + " bytes are free for the repository";
    if (!needed.known()) {
      return "the size of commit "
          + commit
          + " is unknown ("
          + needed.detail()
          + "), so only the reserve of "
          + reserveBytes
          + " bytes was checked"
          + free;
    }
    return "pulling commit "
        + commit
        + " needs "
        + needed.describe()
        + " plus a reserve of "
        + reserveBytes
        + free;
  }
}
