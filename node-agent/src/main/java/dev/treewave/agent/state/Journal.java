package dev.treewave.agent.state;

import java.util.Objects;

/**
 * What the agent persists on the host after every transition (see {@code JournalStore}): its state,
 * which carries the instruction it acted on and whether a reboot was requested, plus the last
 * instruction it finished. Everything the agent reports is derived from this and the host, so a
 * restart loses no report.
 *
 * @param lastCompletedInstructionId the id of the last instruction that reached a completing state,
 *     or null
 * @param attempts failed attempts of the current working state (reset on every transition)
 * @param retryError the failure of the last attempt while retrying, or null
 */
public record Journal(
    AgentState state, String lastCompletedInstructionId, int attempts, Failure retryError) {

  public Journal {
    Objects.requireNonNull(state, "state");
    if (state instanceof AgentState.Unmanaged) {
      throw new IllegalArgumentException("Unmanaged is never persisted");
    }
    if (attempts < 0) {
      throw new IllegalArgumentException("negative attempts");
    }
  }

  public static Journal initial() {
    return new Journal(new AgentState.Idle(), null, 0, null);
  }

  /** The journal after a transition to {@code next}. */
  public Journal moveTo(AgentState next) {
    String completed =
        next.completesInstruction() ? next.instruction().id() : lastCompletedInstructionId;
    return new Journal(next, completed, 0, null);
  }

  /** The journal after a failed attempt that will be retried. */
  public Journal retrying(Failure failure) {
    return new Journal(state, lastCompletedInstructionId, attempts + 1, failure);
  }
}
