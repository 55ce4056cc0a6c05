package dev.treewave.operator.plan;

import dev.treewave.operator.plan.AgentView.Action;
import dev.treewave.operator.plan.AgentView.Outcome;
import dev.treewave.operator.plan.AgentView.PlannedInstruction;

/** Where one node stands in the rollout of one target commit, derived from cluster state only. */
public enum NodeState {
  /** Nothing done for the target yet. */
  PENDING,
  /** Told to stage; not staged yet. */
  STAGING,
  /** Target staged; waiting for a disruption slot. */
  STAGED,
  /** Cordoned by us, pods being evicted. */
  DRAINING,
  /** Told to boot the target; not booted yet. */
  ACTIVATING,
  /** Booted the target, still cordoned: in the health gate. */
  VERIFYING,
  /** Told to roll back; cordoned until it is back and Ready. */
  ROLLING_BACK,
  /** An outcome is recorded but our cordon is still on: only needs releasing. */
  RELEASING,
  /** The failure policy wants this updated node rolled back; waiting for a slot. */
  ROLLBACK_PENDING,
  /** Runs the target, healthy, released. Terminal. */
  UPDATED,
  /** Failed for the target and released. Terminal. */
  FAILED,
  /** Drain timed out; left on its old OS. Terminal. */
  SKIPPED,
  /** Rolled back by the failure policy. Terminal. */
  ROLLED_BACK;

  /** Occupies a disruption slot: counted against maxUnavailable. */
  public boolean inSlot() {
    return this == DRAINING
        || this == ACTIVATING
        || this == VERIFYING
        || this == ROLLING_BACK
        || this == RELEASING;
  }

  public boolean terminal() {
    return this == UPDATED || this == FAILED || this == SKIPPED || this == ROLLED_BACK;
  }

  /** Classifies a node against the target commit. */
  public static NodeState of(NodeView node, String target) {
    AgentView agent = node.agentOrEmpty();
    PlannedInstruction instr = agent.instruction();
    Outcome outcome = agent.outcome();
    if (outcome != null && target.equals(outcome.commit())) {
      return switch (outcome.kind()) {
        case FAILED -> node.cordonedByUs() ? rollingBackOrReleasing(instr) : FAILED;
        case SKIPPED -> node.cordonedByUs() ? RELEASING : SKIPPED;
        case ROLLED_BACK -> node.cordonedByUs() ? RELEASING : ROLLED_BACK;
        case ROLLBACK_REQUESTED -> {
          if (!node.cordonedByUs()) {
            yield ROLLBACK_PENDING;
          }
          yield instr != null && instr.action() == Action.ROLLBACK ? ROLLING_BACK : DRAINING;
        }
      };
    }
    // Before looking at what the node runs: an Activate or Rollback the agent has not finished,
    // for another commit than the target (the target changed under it), may be rebooting the node
    // right now. It keeps its slot until the agent reports; see InFlightNodes.
    if (rebootInFlight(agent, instr)
        && !(instr.action() == Action.ACTIVATE && target.equals(instr.commit()))) {
      return ACTIVATING;
    }
    if (target.equals(agent.bootedCommit())) {
      return node.cordonedByUs() ? VERIFYING : UPDATED;
    }
    boolean activating =
        instr != null && instr.action() == Action.ACTIVATE && target.equals(instr.commit());
    if (activating) {
      return ACTIVATING;
    }
    if (node.cordonedByUs()) {
      return DRAINING;
    }
    boolean stageInstruction =
        instr != null && instr.action() == Action.STAGE && target.equals(instr.commit());
    // A failed stage also completes the instruction (the agent's Failed state ends it): it stays
    // STAGING, where the failure is recorded, and is never taken for staged and cordoned.
    // The target as the rollback deployment (a revert): activating it never downloads.
    if (target.equals(agent.stagedCommit())
        || target.equals(agent.previousCommit())
        || (stageInstruction && agent.completed(instr) && !agent.failed(instr))) {
      return STAGED;
    }
    return stageInstruction ? STAGING : PENDING;
  }

  /** An instruction that may reboot the node, not yet reported done or failed. */
  static boolean rebootInFlight(AgentView agent, PlannedInstruction instr) {
    return instr != null
        && (instr.action() == Action.ACTIVATE || instr.action() == Action.ROLLBACK)
        && !agent.completed(instr)
        && !agent.failed(instr);
  }

  private static NodeState rollingBackOrReleasing(PlannedInstruction instr) {
    return instr != null && instr.action() == Action.ROLLBACK ? ROLLING_BACK : RELEASING;
  }
}
