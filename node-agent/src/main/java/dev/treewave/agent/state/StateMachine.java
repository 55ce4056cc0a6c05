package dev.treewave.agent.state;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.Deployments;
import dev.treewave.agent.host.HostFacts;
import dev.treewave.agent.host.HostOsException;
import dev.treewave.agent.host.Management;
import dev.treewave.agent.state.AgentState.Activating;
import dev.treewave.agent.state.AgentState.BootFailed;
import dev.treewave.agent.state.AgentState.Booted;
import dev.treewave.agent.state.AgentState.Failed;
import dev.treewave.agent.state.AgentState.Idle;
import dev.treewave.agent.state.AgentState.Pulling;
import dev.treewave.agent.state.AgentState.Rebooting;
import dev.treewave.agent.state.AgentState.RollingBack;
import dev.treewave.agent.state.AgentState.Staged;
import dev.treewave.agent.state.AgentState.Staging;
import dev.treewave.agent.state.AgentState.Unmanaged;
import dev.treewave.agent.state.AgentState.Verifying;
import dev.treewave.agent.state.AgentState.Working;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The node agent's state machine, as pure functions of (journal, desired instruction, host facts,
 * time). {@link NodeAgent} runs it: it persists every new state in the journal <em>before</em>
 * performing the state's host operation, then asks the machine for the next state.
 *
 * <pre>
 *                  (new instruction id)
 *   Idle ─────────────────────────────────► Pulling ──► Verifying ──► Staging ─┐
 *    ▲                                   (disk check;  (signature)  (deploy    │
 *    │ action None                        download     --stage, /etc merge,    │
 *    │                                    unless local)  kernel args)          │
 *    │                                                                         │
 *    │        STAGE: Staged ◄──────────────────────────────────────────────────┤
 *    │        (waiting for permission)                                         │
 *    │             │ ACTIVATE (new id)                                         │ ACTIVATE
 *    │             ▼                                                           │
 *    │        Activating ◄─────────────────────────────────────────────────────┘
 *    │        (make default)             ROLLBACK ──► RollingBack (make the previous default)
 *    │             │                                        │
 *    │             ▼                                        ▼
 *    │        Rebooting (persisted, then ONE reboot request; waits for a new boot id)
 *    │             │ boot id changed
 *    │             ├── booted commit == expected ──► Booted ──(prune to N deployments)
 *    │             └── otherwise ──► BootFailed (booted one made default again)
 *    └──────────── Booted / Staged / Failed / BootFailed when the action becomes None
 *
 *   any working state ── error ──► retried (retryable errors, up to N attempts) ──► Failed(reason)
 *   Rebooting ── no new boot within the reboot timeout ──► Failed(RebootTimedOut)
 *   host not OSTree-booted or managed by another tool ──► Unmanaged (nothing is done)
 * </pre>
 *
 * <p>Rules that make it safe:
 *
 * <ul>
 *   <li><b>Permission.</b> Only ACTIVATE and ROLLBACK lead to {@link Rebooting}; STAGE stops at
 *       {@link Staged}.
 *   <li><b>At most one reboot per instruction.</b> {@link Rebooting} is persisted before the
 *       request, and nothing leads from it back to a reboot: it ends only when the boot id changes,
 *       on timeout, or when a new ACTIVATE/ROLLBACK id supersedes it.
 *   <li><b>Each instruction id is acted on once.</b> A finished instruction (Staged, Booted,
 *       Failed, BootFailed) is not redone for the same id, even after a restart; the operator
 *       retries with a new id.
 *   <li><b>Idempotent steps.</b> After a crash in a working state the same state is resumed, and
 *       its host operation is idempotent (see {@code HostOs}). Steps that are already done on the
 *       host are skipped: an already booted commit completes at once, an existing deployment is
 *       activated without pulling, a rollback never downloads.
 *   <li><b>Boot check.</b> After the reboot the booted deployment is compared with the one that was
 *       activated; a fallback by the bootloader is a {@link BootFailed}, never a success.
 * </ul>
 */
public final class StateMachine {

  private StateMachine() {}

  /**
   * The state the agent should be in now. If it differs from the journal's, the agent persists it
   * (and, for a working state, performs its operation).
   *
   * @param desired the operator's current instruction, or null when there is none
   */
  public static AgentState next(
      Journal journal, Instruction desired, HostFacts host, Instant now, Duration rebootTimeout) {
    if (!host.managed()) {
      return unmanaged(host.management());
    }
    AgentState current = journal.state();
    if (current instanceof Rebooting rebooting) {
      if (!host.bootId().equals(rebooting.bootIdBefore())) {
        return concludeBoot(rebooting, host.deployments(), now);
      }
      boolean superseded =
          desired != null
              && desired.action().permitsReboot()
              && !desired.id().equals(rebooting.instruction().id());
      if (!superseded) {
        if (now.isAfter(rebooting.requestedAt().plus(rebootTimeout))) {
          return new Failed(
              rebooting.instruction(),
              new Failure(
                  FailureReason.REBOOT_TIMED_OUT,
                  "the reboot requested at "
                      + rebooting.requestedAt()
                      + " has not happened within "
                      + rebootTimeout
                      + "; send a new instruction to try again",
                  now));
        }
        return rebooting;
      }
    }
    if (desired == null || desired.action() == Action.NONE) {
      return new Idle();
    }
    InstructionRef acting = current.instruction();
    if (acting != null && acting.id().equals(desired.id())) {
      return continueWith(current, desired, host.deployments());
    }
    if (desired.id().equals(journal.lastCompletedInstructionId())) {
      return new Idle(); // finished earlier, then the state moved on: never act on an id twice
    }
    return start(desired, host.deployments(), now);
  }

  /** The state after {@code working}'s host operation succeeded. */
  public static AgentState succeeded(Working working, HostFacts before, Instant now) {
    InstructionRef ref = working.instruction();
    if (working instanceof Pulling) {
      return new Verifying(ref);
    }
    if (working instanceof Verifying) {
      return new Staging(ref);
    }
    if (working instanceof Staging) {
      return ref.action() == Action.STAGE ? new Staged(ref) : new Activating(ref, ref.commit());
    }
    String target =
        working instanceof Activating a ? a.targetCommit() : ((RollingBack) working).targetCommit();
    if (before.deployments().bootedCommit().filter(target::equals).isPresent()) {
      // Undoing a pending change: the booted deployment is the default again, no reboot needed.
      return new Booted(ref, target);
    }
    return new Rebooting(ref, target, before.bootId(), now);
  }

  /** The state after {@code working}'s host operation failed for good. */
  public static Failed failed(Working working, HostOsException error, Instant now) {
    return new Failed(
        working.instruction(),
        new Failure(reasonFor(working, error.kind()), error.getMessage(), now));
  }

  /** Why {@code working} failed, in the words the operator sees. */
  public static FailureReason reasonFor(Working working, HostOsException.Kind kind) {
    if (kind == HostOsException.Kind.NO_SPACE) {
      return FailureReason.INSUFFICIENT_DISK;
    }
    if (kind == HostOsException.Kind.SIGNATURE || working instanceof Verifying) {
      return FailureReason.SIGNATURE_INVALID;
    }
    if (working instanceof Pulling) {
      return FailureReason.PULL_FAILED;
    }
    if (working instanceof Staging) {
      return FailureReason.STAGE_FAILED;
    }
    if (working instanceof RollingBack && kind == HostOsException.Kind.NOT_FOUND) {
      return FailureReason.ROLLBACK_UNAVAILABLE;
    }
    return FailureReason.ACTIVATE_FAILED;
  }

  private static AgentState continueWith(
      AgentState current, Instruction desired, Deployments deployments) {
    if (current instanceof Staged && deployments.find(desired.commit()).isEmpty()) {
      // The staged deployment vanished (e.g. an unplanned reboot dropped it): stage it again.
      // Pulling is cheap when the commit is still local.
      return new Pulling(current.instruction());
    }
    return current; // working states resume; finished ones stay finished
  }

  private static AgentState start(Instruction desired, Deployments deployments, Instant now) {
    InstructionRef ref = desired.ref();
    String problem = desired.problem();
    if (problem != null) {
      return new Failed(ref, new Failure(FailureReason.INVALID_INSTRUCTION, problem, now));
    }
    Optional<String> booted = deployments.bootedCommit();
    if (desired.commit() != null && booted.filter(desired.commit()::equals).isPresent()) {
      return new Booted(ref, desired.commit());
    }
    switch (desired.action()) {
      case STAGE:
        return deployments.find(desired.commit()).isPresent() ? new Staged(ref) : new Pulling(ref);
      case ACTIVATE:
        return deployments.find(desired.commit()).isPresent()
            ? new Activating(ref, desired.commit())
            : new Pulling(ref);
      case ROLLBACK:
        Optional<Deployment> target =
            desired.commit() != null
                ? deployments.find(desired.commit()).filter(d -> !d.staged())
                : deployments.rollbackTarget();
        if (target.isEmpty()) {
          return new Failed(
              ref,
              new Failure(
                  FailureReason.ROLLBACK_UNAVAILABLE,
                  desired.commit() != null
                      ? "no deployment of commit " + desired.commit() + " on this node"
                      : "no previous deployment to roll back to on this node",
                  now));
        }
        return new RollingBack(ref, target.get().commit());
      default:
        throw new IllegalStateException("unexpected action " + desired.action());
    }
  }

  private static AgentState concludeBoot(
      Rebooting rebooting, Deployments deployments, Instant now) {
    Optional<String> booted = deployments.bootedCommit();
    if (booted.filter(rebooting.expectedCommit()::equals).isPresent()) {
      return new Booted(rebooting.instruction(), rebooting.expectedCommit());
    }
    return new BootFailed(
        rebooting.instruction(), rebooting.expectedCommit(), booted.orElse(""), now);
  }

  private static Unmanaged unmanaged(Management management) {
    if (management instanceof Management.NotOstreeBooted n) {
      return new Unmanaged("NotOstreeBooted", "the host is not booted from OSTree: " + n.detail());
    }
    Management.ManagedByOther other = (Management.ManagedByOther) management;
    return new Unmanaged(
        "ManagedByOtherTool",
        other.tool() + " manages this host's OSTree system (" + other.detail() + ")");
  }
}
