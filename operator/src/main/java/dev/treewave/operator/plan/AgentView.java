package dev.treewave.operator.plan;

import java.time.Instant;

/**
 * What the OSNode says: the operator's current instruction and outcome record (spec and
 * annotations) and the agent's report (status).
 *
 * @param instruction the current instruction, or null
 * @param lastCompletedInstructionId the id the agent reported done, or null
 * @param failedInstructionId the id the agent reported failed for good: its state is terminal
 *     (Failed, BootFailed) and lastError names the id; an error it is still retrying never counts
 * @param failure the agent's error text for that failure, or null
 * @param bootedCommit what the node runs now, or null when unknown
 * @param stagedCommit the staged (pending) deployment's commit, or null
 * @param previousCommit what a rollback would boot: the rollback deployment's commit, or null
 * @param targetVersion the target commit's version, when the agent has it on disk
 * @param outcome what this operator recorded about the node, or null
 * @param reported the agent has written a status at least once
 * @param lastSeen when the agent last wrote its status (its heartbeat), or null when unknown
 * @param unmanaged why the agent refuses to manage the host (it reports Unmanaged), or null
 * @param retrying the error the agent is retrying right now, in words, or null: never a failure
 */
public record AgentView(
    PlannedInstruction instruction,
    String lastCompletedInstructionId,
    String failedInstructionId,
    String failure,
    String bootedCommit,
    String stagedCommit,
    String previousCommit,
    String targetVersion,
    Outcome outcome,
    boolean reported,
    Instant lastSeen,
    String unmanaged,
    String retrying) {

  public static final AgentView EMPTY =
      new AgentView(null, null, null, null, null, null, null, null, null, false, null, null, null);

  /** An agent that reports, with no liveness information (tests, older agents). */
  public AgentView(
      PlannedInstruction instruction,
      String lastCompletedInstructionId,
      String failedInstructionId,
      String failure,
      String bootedCommit,
      String stagedCommit,
      String previousCommit,
      String targetVersion,
      Outcome outcome) {
    this(
        instruction,
        lastCompletedInstructionId,
        failedInstructionId,
        failure,
        bootedCommit,
        stagedCommit,
        previousCommit,
        targetVersion,
        outcome,
        true,
        null,
        null,
        null);
  }

  public boolean completed(PlannedInstruction i) {
    return i != null && i.id().equals(lastCompletedInstructionId);
  }

  public boolean failed(PlannedInstruction i) {
    return i != null && i.id().equals(failedInstructionId);
  }

  /** The instruction as the operator issued it. */
  public record PlannedInstruction(String id, Action action, String commit, Instant issuedAt) {}

  /** Mirrors the API's NodeAction without depending on it. */
  public enum Action {
    NONE,
    STAGE,
    ACTIVATE,
    ROLLBACK
  }

  /**
   * The operator's durable note about a node and a target commit, so a restarted operator never
   * retries a failed node or disrupts a node twice.
   */
  public record Outcome(Kind kind, String commit, String reason) {
    public enum Kind {
      /** Failed to stage, boot or pass the health gate; rolled back if it booted the target. */
      FAILED,
      /** Drain timed out; uncordoned and left on its old OS. */
      SKIPPED,
      /** The failure policy asked to roll this updated node back. */
      ROLLBACK_REQUESTED,
      /** Rolled back by the failure policy. */
      ROLLED_BACK
    }
  }
}
