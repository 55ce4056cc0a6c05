package dev.treewave.agent.state;

import static dev.treewave.agent.testing.TestNode.A;
import static dev.treewave.agent.testing.TestNode.B;
import static dev.treewave.agent.testing.TestNode.C;
import static dev.treewave.agent.testing.TestNode.OS;
import static dev.treewave.agent.testing.TestNode.activate;
import static dev.treewave.agent.testing.TestNode.none;
import static dev.treewave.agent.testing.TestNode.rollback;
import static dev.treewave.agent.testing.TestNode.stage;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StateMachineTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  private static Deployment booted(String commit) {
    return new Deployment(OS, commit, null, 0, true, false, false);
  }

  private static Deployment older(String commit, int serial) {
    return new Deployment(OS, commit, null, serial, false, false, false);
  }

  private static Deployment staged(String commit) {
    return new Deployment(OS, commit, null, 9, false, true, false);
  }

  private static HostFacts host(String bootId, Deployment... deployments) {
    return new HostFacts(new Management.Managed(), bootId, Deployments.of(deployments));
  }

  private static AgentState next(Journal journal, Instruction desired, HostFacts host) {
    return StateMachine.next(journal, desired, host, NOW, TIMEOUT);
  }

  @Test
  void aNewStageStartsWithAPull() {
    assertThat(next(Journal.initial(), stage("s1", B), host("b1", booted(A))))
        .isEqualTo(new Pulling(stage("s1", B).ref()));
  }

  @Test
  void aStageOfAnExistingDeploymentIsDoneAtOnce() {
    assertThat(next(Journal.initial(), stage("s1", B), host("b1", staged(B), booted(A))))
        .isEqualTo(new Staged(stage("s1", B).ref()));
  }

  @Test
  void activateSkipsThePullWhenTheDeploymentExists() {
    assertThat(next(Journal.initial(), activate("a1", B), host("b1", staged(B), booted(A))))
        .isEqualTo(new Activating(activate("a1", B).ref(), B));
  }

  @Test
  void activatingTheBootedCommitIsDone() {
    assertThat(next(Journal.initial(), activate("a1", A), host("b1", booted(A))))
        .isEqualTo(new Booted(activate("a1", A).ref(), A));
  }

  @Test
  void workingStatesResumeForTheSameInstruction() {
    Journal journal = Journal.initial().moveTo(new Verifying(stage("s1", B).ref()));
    assertThat(next(journal, stage("s1", B), host("b1", booted(A))))
        .isEqualTo(new Verifying(stage("s1", B).ref()));
  }

  @Test
  void aNewInstructionAbandonsTheOldOne() {
    Journal journal = Journal.initial().moveTo(new Verifying(stage("s1", B).ref()));
    assertThat(next(journal, stage("s2", C), host("b1", booted(A))))
        .isEqualTo(new Pulling(stage("s2", C).ref()));
  }

  @Test
  void noneMeansIdle() {
    Journal journal = Journal.initial().moveTo(new Staged(stage("s1", B).ref()));
    assertThat(next(journal, none("n1"), host("b1", staged(B), booted(A)))).isEqualTo(new Idle());
    assertThat(next(journal, null, host("b1", staged(B), booted(A)))).isEqualTo(new Idle());
  }

  @Test
  void workingStepsFollowEachOther() {
    HostFacts facts = host("b1", booted(A));
    InstructionRef stageRef = stage("s1", B).ref();
    InstructionRef activateRef = activate("a1", B).ref();
    assertThat(StateMachine.succeeded(new Pulling(stageRef), facts, NOW))
        .isEqualTo(new Verifying(stageRef));
    assertThat(StateMachine.succeeded(new Verifying(stageRef), facts, NOW))
        .isEqualTo(new Staging(stageRef));
    assertThat(StateMachine.succeeded(new Staging(stageRef), facts, NOW))
        .isEqualTo(new Staged(stageRef));
    assertThat(StateMachine.succeeded(new Staging(activateRef), facts, NOW))
        .isEqualTo(new Activating(activateRef, B));
    assertThat(StateMachine.succeeded(new Activating(activateRef, B), facts, NOW))
        .isEqualTo(new Rebooting(activateRef, B, "b1", NOW));
  }

  @Test
  void onlyActivateAndRollbackLeadToRebooting() {
    for (Action action : Action.values()) {
      assertThat(action.permitsReboot())
          .isEqualTo(action == Action.ACTIVATE || action == Action.ROLLBACK);
    }
  }

  @Test
  void rebootingWaitsForANewBootAndNeverAsksAgain() {
    Rebooting rebooting = new Rebooting(activate("a1", B).ref(), B, "b1", NOW);
    Journal journal = Journal.initial().moveTo(rebooting);

    assertThat(next(journal, activate("a1", B), host("b1", booted(A)))).isEqualTo(rebooting);
    assertThat(next(journal, none("n1"), host("b1", booted(A)))).isEqualTo(rebooting);
    assertThat(next(journal, stage("s2", C), host("b1", booted(A))))
        .as("a STAGE does not cancel a reboot in flight")
        .isEqualTo(rebooting);
  }

  @Test
  void aNewBootOnTheExpectedCommitIsBooted() {
    Journal journal =
        Journal.initial().moveTo(new Rebooting(activate("a1", B).ref(), B, "b1", NOW));
    assertThat(next(journal, activate("a1", B), host("b2", booted(B), older(A, 1))))
        .isEqualTo(new Booted(activate("a1", B).ref(), B));
  }

  @Test
  void aNewBootOnAnotherCommitIsABootFailure() {
    Journal journal =
        Journal.initial().moveTo(new Rebooting(activate("a1", B).ref(), B, "b1", NOW));
    assertThat(next(journal, activate("a1", B), host("b2", older(B, 1), booted(A))))
        .isEqualTo(new BootFailed(activate("a1", B).ref(), B, A, NOW));
  }

  @Test
  void aRebootThatDoesNotHappenTimesOut() {
    Journal journal =
        Journal.initial()
            .moveTo(new Rebooting(activate("a1", B).ref(), B, "b1", NOW.minus(TIMEOUT)));
    assertThat(next(journal, activate("a1", B), host("b1", booted(A))))
        .isInstanceOf(Rebooting.class);

    AgentState late =
        StateMachine.next(
            journal, activate("a1", B), host("b1", booted(A)), NOW.plusSeconds(1), TIMEOUT);
    assertThat(((Failed) late).failure().reason()).isEqualTo(FailureReason.REBOOT_TIMED_OUT);
  }

  @Test
  void rollbackTargetsTheDeploymentAfterTheBootedOne() {
    assertThat(next(Journal.initial(), rollback("r1", null), host("b1", booted(B), older(A, 1))))
        .isEqualTo(new RollingBack(rollback("r1", null).ref(), A));
  }

  @Test
  void rollbackOfAPendingDefaultNeedsNoReboot() {
    HostFacts facts = host("b1", older(B, 1), booted(A));
    AgentState state = next(Journal.initial(), rollback("r1", null), facts);
    assertThat(state).isEqualTo(new RollingBack(rollback("r1", null).ref(), A));
    assertThat(StateMachine.succeeded((RollingBack) state, facts, NOW))
        .isEqualTo(new Booted(rollback("r1", null).ref(), A));
  }

  @Test
  void aCompletedInstructionIsNotStartedAgain() {
    Journal journal =
        Journal.initial().moveTo(new Booted(activate("a1", B).ref(), B)).moveTo(new Idle());
    assertThat(journal.lastCompletedInstructionId()).isEqualTo("a1");
    assertThat(next(journal, activate("a1", B), host("b1", booted(A)))).isEqualTo(new Idle());
  }

  @Test
  void unmanagedHostsAreRefusedWhateverTheJournalSays() {
    Journal journal = Journal.initial().moveTo(new Pulling(stage("s1", B).ref()));
    HostFacts facts =
        new HostFacts(
            new Management.ManagedByOther("rpm-ostree", "active"), "b1", Deployments.of(booted(A)));
    assertThat(next(journal, stage("s1", B), facts)).isInstanceOf(Unmanaged.class);
  }

  @Test
  void failuresAreNamedForWhatFailed() {
    InstructionRef ref = activate("a1", B).ref();
    assertThat(StateMachine.reasonFor(new Pulling(ref), HostOsException.Kind.NO_SPACE))
        .isEqualTo(FailureReason.INSUFFICIENT_DISK);
    assertThat(StateMachine.reasonFor(new Pulling(ref), HostOsException.Kind.SIGNATURE))
        .isEqualTo(FailureReason.SIGNATURE_INVALID);
    assertThat(StateMachine.reasonFor(new Pulling(ref), HostOsException.Kind.NETWORK))
        .isEqualTo(FailureReason.PULL_FAILED);
    assertThat(StateMachine.reasonFor(new Verifying(ref), HostOsException.Kind.CORRUPT))
        .isEqualTo(FailureReason.SIGNATURE_INVALID);
    assertThat(StateMachine.reasonFor(new Staging(ref), HostOsException.Kind.FAILED))
        .isEqualTo(FailureReason.STAGE_FAILED);
    assertThat(StateMachine.reasonFor(new Activating(ref, B), HostOsException.Kind.FAILED))
        .isEqualTo(FailureReason.ACTIVATE_FAILED);
    assertThat(StateMachine.reasonFor(new RollingBack(ref, A), HostOsException.Kind.NOT_FOUND))
        .isEqualTo(FailureReason.ROLLBACK_UNAVAILABLE);
  }
}
