package dev.treewave.agent.state;

import java.time.Instant;
import java.util.Objects;

/**
 * The agent's states; see {@link StateMachine} for how they connect. Every state except {@link
 * Idle} and {@link Unmanaged} belongs to one instruction. The journal persists the current state,
 * so it must hold everything needed to resume after a crash.
 */
public sealed interface AgentState {

  /** The name reported in {@code status.agentState}. */
  String name();

  /** The instruction this state belongs to, or null. */
  default InstructionRef instruction() {
    return null;
  }

  /**
   * Whether the agent stays here until something outside changes (a new instruction, a reboot, time
   * passing); the other states are working states that run one host operation each.
   */
  default boolean resting() {
    return true;
  }

  /** Whether reaching this state finishes its instruction (successfully or not). */
  default boolean completesInstruction() {
    return false;
  }

  /** Nothing to do. */
  record Idle() implements AgentState {
    @Override
    public String name() {
      return "Idle";
    }
  }

  /** The host is not ours to manage; never persisted, re-evaluated on every pass. */
  record Unmanaged(String reason, String message) implements AgentState {
    @Override
    public String name() {
      return "Unmanaged";
    }
  }

  /** Working: checking free disk space, then downloading the commit. */
  record Pulling(InstructionRef instruction) implements Working {
    @Override
    public String name() {
      return "Pulling";
    }
  }

  /** Working: checking the local commit's signature. */
  record Verifying(InstructionRef instruction) implements Working {
    @Override
    public String name() {
      return "Verifying";
    }
  }

  /** Working: staging a deployment (checkout, {@code /etc} merge, kernel arguments). */
  record Staging(InstructionRef instruction) implements Working {
    @Override
    public String name() {
      return "Staging";
    }
  }

  /** Resting: a STAGE instruction is done; waiting for the operator's permission to activate. */
  record Staged(InstructionRef instruction) implements AgentState {
    @Override
    public String name() {
      return "Staged";
    }

    @Override
    public boolean completesInstruction() {
      return true;
    }
  }

  /** Working: making the new deployment the default for the next boot. */
  record Activating(InstructionRef instruction, String targetCommit) implements Working {
    @Override
    public String name() {
      return "Activating";
    }
  }

  /** Working: making the previous deployment the default for the next boot. */
  record RollingBack(InstructionRef instruction, String targetCommit) implements Working {
    @Override
    public String name() {
      return "RollingBack";
    }
  }

  /**
   * Resting: a reboot was requested (this state is persisted <em>before</em> the request, so a
   * crash never leads to a second one). Left when the boot id changes or the request times out.
   *
   * @param expectedCommit what the node must boot
   * @param bootIdBefore the boot id when the reboot was requested
   * @param requestedAt when the reboot was requested
   */
  record Rebooting(
      InstructionRef instruction, String expectedCommit, String bootIdBefore, Instant requestedAt)
      implements AgentState {
    public Rebooting {
      Objects.requireNonNull(expectedCommit, "expectedCommit");
      Objects.requireNonNull(bootIdBefore, "bootIdBefore");
      Objects.requireNonNull(requestedAt, "requestedAt");
    }

    @Override
    public String name() {
      return "Rebooting";
    }
  }

  /** Resting: the node runs the instruction's commit. */
  record Booted(InstructionRef instruction, String commit) implements AgentState {
    @Override
    public String name() {
      return "Booted";
    }

    @Override
    public boolean completesInstruction() {
      return true;
    }
  }

  /** Resting: the instruction failed; the operator must send a new one. */
  record Failed(InstructionRef instruction, Failure failure) implements AgentState {
    @Override
    public String name() {
      return "Failed";
    }

    @Override
    public boolean completesInstruction() {
      return true;
    }
  }

  /**
   * Resting: the node rebooted but did not come up on the expected commit (the bootloader fell
   * back). The booted deployment is made the default again so the next reboot is safe.
   */
  record BootFailed(
      InstructionRef instruction, String expectedCommit, String bootedCommit, Instant detectedAt)
      implements AgentState {
    @Override
    public String name() {
      return "BootFailed";
    }

    @Override
    public boolean completesInstruction() {
      return true;
    }
  }

  /** The states that run one host operation and then move on. */
  sealed interface Working extends AgentState
      permits Pulling, Verifying, Staging, Activating, RollingBack {
    @Override
    InstructionRef instruction();

    @Override
    default boolean resting() {
      return false;
    }
  }
}
