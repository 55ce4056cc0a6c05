package dev.treewave.agent.state;

import dev.treewave.agent.host.HostFacts;
import dev.treewave.agent.host.PullProgress;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything the agent reports about its node at one moment; the Kubernetes side turns it into the
 * OSNode status. It is derived from the journal and the host only, so it can always be rebuilt
 * after a restart.
 *
 * @param state the current state (possibly {@link AgentState.Unmanaged}, which is not journaled)
 * @param host the host as last inspected, or null if it could not be inspected
 * @param pullProgress progress of the pull in flight, or null
 * @param retryError the error of the last failed attempt while the step is being retried, or null
 * @param diskCheck the free-space check of the pull in flight, or null
 * @param retry how the retry of {@code retryError} goes on, or null
 */
public record NodeReport(
    AgentState state,
    String lastCompletedInstructionId,
    HostFacts host,
    PullProgress pullProgress,
    Failure retryError,
    DiskCheck diskCheck,
    Retry retry) {

  public NodeReport {
    Objects.requireNonNull(state, "state");
  }

  /**
   * @param attempt failed attempts so far
   * @param maxAttempts attempts before the agent gives up
   * @param nextAttemptAt when the next attempt starts
   */
  public record Retry(int attempt, int maxAttempts, Instant nextAttemptAt) {}

  public NodeReport(
      AgentState state,
      String lastCompletedInstructionId,
      HostFacts host,
      PullProgress pullProgress,
      Failure retryError,
      DiskCheck diskCheck) {
    this(state, lastCompletedInstructionId, host, pullProgress, retryError, diskCheck, null);
  }

  public NodeReport(
      AgentState state,
      String lastCompletedInstructionId,
      HostFacts host,
      PullProgress pullProgress,
      Failure retryError) {
    this(state, lastCompletedInstructionId, host, pullProgress, retryError, null);
  }
}
