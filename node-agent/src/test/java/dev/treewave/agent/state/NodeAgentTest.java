package dev.treewave.agent.state;

import static dev.treewave.agent.testing.TestNode.A;
import static dev.treewave.agent.testing.TestNode.B;
import static dev.treewave.agent.testing.TestNode.C;
import static dev.treewave.agent.testing.TestNode.D;
import static dev.treewave.agent.testing.TestNode.GIB;
import static dev.treewave.agent.testing.TestNode.OS;
import static dev.treewave.agent.testing.TestNode.OTHER_KEY;
import static dev.treewave.agent.testing.TestNode.TRUSTED_KEY;
import static dev.treewave.agent.testing.TestNode.activate;
import static dev.treewave.agent.testing.TestNode.none;
import static dev.treewave.agent.testing.TestNode.rollback;
import static dev.treewave.agent.testing.TestNode.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.HostOsException.Kind;
import dev.treewave.agent.host.KernelArgs;
import dev.treewave.agent.host.Management;
import dev.treewave.agent.host.SpaceNeeded;
import dev.treewave.agent.host.VerificationPolicy;
import dev.treewave.agent.state.AgentState.BootFailed;
import dev.treewave.agent.state.AgentState.Booted;
import dev.treewave.agent.state.AgentState.Failed;
import dev.treewave.agent.state.AgentState.Rebooting;
import dev.treewave.agent.state.AgentState.Unmanaged;
import dev.treewave.agent.testing.FakeHostOs.Op;
import dev.treewave.agent.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NodeAgentTest {

  @TempDir Path hostRoot;

  private TestNode node() {
    return node(TRUSTED_KEY);
  }

  /** Booted from A; its repository serves B signed with the given key (null: unsigned). */
  private TestNode node(byte[] signedWith) {
    TestNode node = new TestNode(hostRoot);
    node.host.bootedFrom(OS, A, GIB).serving(B, GIB, signedWith);
    return node;
  }

  /** Booted from A; its repository serves B (GIB / 2 in truth) without publishing its size. */
  private TestNode nodeWithoutPublishedSizes(long freeBytes) {
    TestNode node = new TestNode(hostRoot);
    node.host
        .bootedFrom(OS, A, GIB)
        .servingWithoutSizes(B, GIB / 2, TRUSTED_KEY)
        .withFreeBytes(freeBytes);
    return node;
  }

  /** The first disk check among the agent's reports (it reports one while pulling). */
  private static DiskCheck firstDiskCheck(TestNode node) {
    return node.reporter.published().stream()
        .map(NodeReport::diskCheck)
        .filter(c -> c != null)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void stageWaitsForPermissionThenActivateBootsTheCommitOnce() {
    TestNode node = node();

    AgentState staged = node.settle(stage("s1", B));

    assertThat(staged).isInstanceOf(AgentState.Staged.class);
    assertThat(node.rebooter.requests()).isEmpty();
    assertThat(node.host.downloads(B)).isEqualTo(1);
    Deployment pending = node.host.deployments().staged().orElseThrow();
    assertThat(pending.commit()).isEqualTo(B);
    assertThat(node.host.kernelArgs(pending)).contains("console=ttyS0").doesNotContain("quiet");
    assertThat(node.reporter.last().lastCompletedInstructionId()).isEqualTo("s1");
    assertThat(node.reporter.stateNames()).containsSubsequence("Pulling", "Verifying", "Staging");

    // Staying on a STAGE instruction never reboots, however often the agent looks.
    for (int i = 0; i < 5; i++) {
      node.settle(stage("s1", B));
    }
    assertThat(node.rebooter.requests()).isEmpty();

    AgentState booted = node.settle(activate("a1", B));

    assertThat(booted).isEqualTo(new Booted(activate("a1", B).ref(), B));
    assertThat(node.host.reboots()).isEqualTo(1);
    assertThat(node.host.markedGood())
        .as("the good boot of B is marked for the bootloader's boot counting")
        .contains(B + "@2");
    assertThat(node.rebooter.requests()).hasSize(1).allMatch(r -> r.contains("a1"));
    assertThat(node.host.deployments().bootedCommit()).contains(B);
    assertThat(node.host.downloads(B)).as("activation reuses the staged deployment").isEqualTo(1);
    assertThat(node.reporter.last().lastCompletedInstructionId()).isEqualTo("a1");
    assertThat(node.reporter.last().host().deployments().bootedCommit()).contains(B);
  }

  @Test
  void activateWithoutStageRunsTheWholePipeline() {
    TestNode node = node();

    assertThat(node.settle(activate("a1", B))).isInstanceOf(Booted.class);

    assertThat(node.reporter.stateNames())
        .containsSubsequence(
            "Pulling", "Verifying", "Staging", "Activating", "Rebooting", "Booted");
    assertThat(node.host.reboots()).isEqualTo(1);
    assertThat(node.host.deployments().bootedCommit()).contains(B);
  }

  @Test
  void pullProgressIsReported() {
    TestNode node = node();

    node.settle(stage("s1", B));

    assertThat(node.reporter.published())
        .filteredOn(r -> r.pullProgress() != null)
        .extracting(r -> r.pullProgress().fetchedBytes())
        .contains(GIB / 4, GIB);
  }

  @Test
  void aCompletedInstructionIsNeverRedone() {
    TestNode node = node();
    node.settle(activate("a1", B));

    for (int i = 0; i < 5; i++) {
      node.kill();
      assertThat(node.settle(activate("a1", B))).isInstanceOf(Booted.class);
    }

    assertThat(node.host.reboots()).isEqualTo(1);
    assertThat(node.rebooter.requests()).hasSize(1);
  }

  @Test
  void activatingTheBootedCommitCompletesWithoutReboot() {
    TestNode node = node();

    assertThat(node.settle(activate("a1", A))).isInstanceOf(Booted.class);

    assertThat(node.host.reboots()).isZero();
    assertThat(node.reporter.last().lastCompletedInstructionId()).isEqualTo("a1");
  }

  @Test
  void aBadSignatureStopsBeforeStaging() {
    TestNode node = node(OTHER_KEY);

    AgentState state = node.settle(activate("a1", B));

    assertThat(state).isInstanceOf(Failed.class);
    assertThat(((Failed) state).failure().reason()).isEqualTo(FailureReason.SIGNATURE_INVALID);
    assertThat(((Failed) state).failure().message()).contains("not trusted");
    assertThat(node.host.deployments().staged()).isEmpty();
    assertThat(node.host.downloads(B)).isZero();
    assertThat(node.rebooter.requests()).isEmpty();
    assertThat(node.reporter.last().lastCompletedInstructionId()).isEqualTo("a1");
  }

  @Test
  void anUnsignedCommitIsRefusedUnlessVerificationIsDisabled() {
    TestNode node = node(null);

    AgentState refused = node.settle(stage("s1", B));
    assertThat(((Failed) refused).failure().reason()).isEqualTo(FailureReason.SIGNATURE_INVALID);

    Instruction unverified =
        new Instruction(
            "s2",
            Action.STAGE,
            B,
            new Target(
                OS,
                TestNode.target().url(),
                TestNode.REF,
                VerificationPolicy.disabled(),
                KernelArgs.NONE));
    assertThat(node.settle(unverified)).isInstanceOf(AgentState.Staged.class);
  }

  @Test
  void aBootloaderFallbackIsReportedAsBootFailureAndTheBootedDeploymentBecomesDefault() {
    TestNode node = node();
    node.host.fallBackOnNextBoot();

    AgentState state = node.settle(activate("a1", B));

    assertThat(state).isInstanceOf(BootFailed.class);
    BootFailed failed = (BootFailed) state;
    assertThat(failed.expectedCommit()).isEqualTo(B);
    assertThat(failed.bootedCommit()).isEqualTo(A);
    assertThat(node.host.reboots()).isEqualTo(1);
    assertThat(node.host.deployments().defaultDeployment().orElseThrow().commit())
        .as("the next reboot must not try the failing deployment again")
        .isEqualTo(A);
    assertThat(node.host.markedGood()).noneMatch(m -> m.startsWith(B));
    assertThat(node.reporter.last().lastCompletedInstructionId()).isEqualTo("a1");
    // Looking again changes nothing: no second reboot for the same instruction.
    node.kill();
    assertThat(node.settle(activate("a1", B))).isInstanceOf(BootFailed.class);
    assertThat(node.host.reboots()).isEqualTo(1);
  }

  @Test
  void rollbackBootsThePreviousDeploymentWithoutDownloading() {
    TestNode node = node();
    node.settle(activate("a1", B));
    int downloadsBefore = node.host.downloads(A) + node.host.downloads(B);

    AgentState state = node.settle(rollback("r1", null));

    assertThat(state).isEqualTo(new Booted(rollback("r1", null).ref(), A));
    assertThat(node.host.deployments().bootedCommit()).contains(A);
    assertThat(node.host.reboots()).isEqualTo(2);
    assertThat(node.host.downloads(A) + node.host.downloads(B)).isEqualTo(downloadsBefore);
    assertThat(node.reporter.stateNames()).contains("RollingBack").doesNotContain("Failed");
  }

  static Stream<Named<String>> unavailableRollbackTargets() {
    return Stream.of(
        named("a named commit that is not on the node", C),
        named("the previous deployment, when there is none", null));
  }

  @ParameterizedTest(name = "rollback to {0} fails")
  @MethodSource("unavailableRollbackTargets")
  void rollbackToWhatIsNotOnTheNodeFails(String commit) {
    TestNode node = node();

    AgentState state = node.settle(rollback("r1", commit));

    assertThat(((Failed) state).failure().reason()).isEqualTo(FailureReason.ROLLBACK_UNAVAILABLE);
    assertThat(node.host.reboots()).isZero();
  }

  @Test
  void rollbackOfAnActivatedButNotBootedCommitNeedsNoReboot() {
    TestNode node = node();
    node.settle(stage("s1", B));
    // The operator activated, the reboot request failed; the operator then rolls back.
    node.rebooter.failNext("systemctl: connection refused");
    AgentState failed = node.settle(activate("a1", B));
    assertThat(((Failed) failed).failure().reason()).isEqualTo(FailureReason.REBOOT_FAILED);
    assertThat(node.host.deployments().defaultDeployment().orElseThrow().commit()).isEqualTo(B);

    AgentState state = node.settle(rollback("r1", null));

    assertThat(state).isEqualTo(new Booted(rollback("r1", null).ref(), A));
    assertThat(node.host.deployments().defaultDeployment().orElseThrow().commit()).isEqualTo(A);
    assertThat(node.host.reboots()).isZero();
  }

  @Test
  void aFailedRebootRequestCanBeRetriedWithANewInstruction() {
    TestNode node = node();
    node.rebooter.failNext("nsenter: permission denied");

    AgentState failed = node.settle(activate("a1", B));
    assertThat(((Failed) failed).failure().message()).contains("permission denied");

    assertThat(node.settle(activate("a2", B))).isInstanceOf(Booted.class);
    assertThat(node.host.reboots()).isEqualTo(1);
    assertThat(node.host.downloads(B)).isEqualTo(1);
  }

  @Test
  void aRebootThatNeverHappensTimesOutInsteadOfBeingRequestedAgain() {
    TestNode node = node();
    // Nobody plays the bootloader: call the agent directly.
    node.agent().reconcile(activate("a1", B));
    assertThat(node.reporter.last().state()).isInstanceOf(Rebooting.class);
    node.rebooter.takePending();
    node.clock.advance(Duration.ofMinutes(10));
    node.kill();
    node.agent().reconcile(activate("a1", B));
    assertThat(node.reporter.last().state()).isInstanceOf(Rebooting.class);

    node.clock.advance(Duration.ofMinutes(6));
    node.agent().reconcile(activate("a1", B));

    Failed failed = (Failed) node.reporter.last().state();
    assertThat(failed.failure().reason()).isEqualTo(FailureReason.REBOOT_TIMED_OUT);
    assertThat(node.rebooter.requests()).hasSize(1);
  }

  @Test
  void aNewActivateSupersedesAPendingReboot() {
    TestNode node = node();
    node.agent().reconcile(activate("a1", B));
    node.rebooter.takePending();

    node.agent().reconcile(activate("a2", B));

    assertThat(node.rebooter.requests()).hasSize(2);
    assertThat(node.rebooter.requests().get(1)).contains("a2");
  }

  @Test
  void noInstructionLeavesARequestedRebootPending() {
    TestNode node = node();
    node.agent().reconcile(activate("a1", B));
    node.rebooter.takePending();

    node.agent().reconcile(none("n1"));
    assertThat(node.reporter.last().state()).isInstanceOf(Rebooting.class);

    node.host.reboot();
    node.kill();
    assertThat(node.settle(none("n1"))).isInstanceOf(AgentState.Idle.class);
    assertThat(node.reporter.published())
        .anyMatch(r -> r.state() instanceof Booted && "a1".equals(r.lastCompletedInstructionId()));
    assertThat(node.reporter.last().lastCompletedInstructionId()).isEqualTo("a1");
  }

  @Test
  void insufficientDiskIsReportedBeforeDownloading() {
    TestNode node = node();
    node.host.withFreeBytes(GIB + GIB / 2); // needs 1 GiB + 1 GiB reserve

    AgentState state = node.settle(stage("s1", B));

    Failed failed = (Failed) state;
    assertThat(failed.failure().reason()).isEqualTo(FailureReason.INSUFFICIENT_DISK);
    assertThat(failed.failure().message())
        .contains(Long.toString(GIB))
        .contains("reserve")
        .contains(Long.toString(GIB + GIB / 2));
    assertThat(node.host.downloads(B)).isZero();
  }

  @Test
  void thePassedDiskCheckIsReportedWhilePulling() {
    TestNode node = node();

    node.settle(stage("s1", B));

    DiskCheck check = firstDiskCheck(node);
    assertThat(check.needed().basis()).isEqualTo(SpaceNeeded.Basis.COMMIT_SIZES);
    assertThat(check.needed().bytes()).isEqualTo(GIB);
    assertThat(check.reserveBytes()).isEqualTo(GIB);
    assertThat(node.reporter.published())
        .filteredOn(r -> r.diskCheck() != null)
        .allMatch(r -> r.state() instanceof AgentState.Pulling);
    assertThat(node.reporter.last().diskCheck()).isNull();
  }

  @Test
  void withoutPublishedSizesOnlyTheReserveIsCheckedAndTheReportSaysSo() {
    // Free space above the reserve, below reserve + the real size.
    TestNode node = nodeWithoutPublishedSizes(GIB + GIB / 4);

    AgentState state = node.settle(stage("s1", B));

    assertThat(state).isInstanceOf(AgentState.Staged.class);
    DiskCheck check = firstDiskCheck(node);
    assertThat(check.needed().known()).isFalse();
    assertThat(check.message(B)).contains("unknown").contains("only the reserve");
  }

  @Test
  void withoutPublishedSizesAFreeSpaceBelowTheReserveStillRefusesThePull() {
    TestNode node = nodeWithoutPublishedSizes(GIB - 1);

    Failed failed = (Failed) node.settle(stage("s1", B));

    assertThat(failed.failure().reason()).isEqualTo(FailureReason.INSUFFICIENT_DISK);
    assertThat(failed.failure().message()).contains("unknown").contains("only the reserve");
    assertThat(node.host.downloads(B)).isZero();
  }

  @Test
  void pruningTheRepositoryCanMakeRoomForAPull() {
    TestNode node = new TestNode(hostRoot);
    node.host
        .bootedFrom(OS, A, GIB)
        .serving(B, GIB, TRUSTED_KEY)
        .serving(C, 2 * GIB, TRUSTED_KEY)
        .withFreeBytes(4 * GIB);
    node.settle(stage("s1", C)); // 2 GiB used, 2 GiB free
    node.settle(stage("s2", B)); // replaces the staged C; C stays in the repository
    node.host.dropRef(TestNode.REF);
    assertThat(node.host.freeBytesNow()).isEqualTo(GIB);

    node.settle(stage("s3", D)); // unknown commit: fails, but not for disk space
    node.host.serving(D, GIB, TRUSTED_KEY);
    AgentState state = node.settle(stage("s4", D));

    assertThat(state).isInstanceOf(AgentState.Staged.class);
    assertThat(node.host.localCommits()).doesNotContain(C);
  }

  @Test
  void retryableErrorsAreRetriedThenReported() {
    TestNode node = node();
    node.host.failNext(Op.PULL, Kind.NETWORK, "connection reset");

    assertThat(node.settle(stage("s1", B))).isInstanceOf(AgentState.Staged.class);
    assertThat(node.reporter.published())
        .anyMatch(r -> r.retryError() != null && r.retryError().message().contains("reset"));

    node.host
        .serving(C, GIB, TRUSTED_KEY)
        .failNext(Op.PULL, Kind.NETWORK, "timeout 1")
        .failNext(Op.PULL, Kind.NETWORK, "timeout 2")
        .failNext(Op.PULL, Kind.NETWORK, "timeout 3");
    Failed failed = (Failed) node.settle(stage("s2", C));
    assertThat(failed.failure().reason()).isEqualTo(FailureReason.PULL_FAILED);
    assertThat(failed.failure().message()).isEqualTo("timeout 3");
  }

  @Test
  void aHostManagedByAnotherToolIsRefused() {
    TestNode node = node();
    node.host.withManagement(
        new Management.ManagedByOther("rpm-ostree", "rpm-ostreed.service is active"));

    AgentState state = node.settle(activate("a1", B));

    assertThat(state).isInstanceOf(Unmanaged.class);
    assertThat(((Unmanaged) state).reason()).isEqualTo("ManagedByOtherTool");
    assertThat(((Unmanaged) state).message()).contains("rpm-ostree");
    assertThat(node.host.downloads(B)).isZero();
    assertThat(node.host.reboots()).isZero();
  }

  @Test
  void aHostNotBootedFromOstreeIsRefused() {
    TestNode node = node();
    node.host.withManagement(new Management.NotOstreeBooted("/run/ostree-booted is missing"));

    Unmanaged state = (Unmanaged) node.settle(stage("s1", B));

    assertThat(state.reason()).isEqualTo("NotOstreeBooted");
    assertThat(node.host.downloads(B)).isZero();
  }

  @Test
  void oldDeploymentsArePrunedAfterASuccessfulBoot() {
    TestNode node = new TestNode(hostRoot);
    node.host
        .bootedFrom(OS, A, GIB)
        .withOlderDeployment(OS, C, GIB, false)
        .withOlderDeployment(OS, D, GIB, true)
        .serving(B, GIB, TRUSTED_KEY);
    node.host.dropRef(TestNode.REF);

    node.settle(activate("a1", B));

    assertThat(node.host.deployments().ordered())
        .extracting(Deployment::commit)
        .as("booted, rollback and the pinned one stay")
        .containsExactly(B, A, D);
    assertThat(node.host.localCommits()).doesNotContain(C);
  }

  @Test
  void anUnplannedRebootWhileStagedDropsTheStagedDeploymentAndItIsStagedAgain() {
    TestNode node = node();
    node.settle(stage("s1", B));

    node.host.reboot(); // power cut: the locked staged deployment is not finalized
    node.kill();
    assertThat(node.host.deployments().bootedCommit()).contains(A);

    assertThat(node.settle(stage("s1", B))).isInstanceOf(AgentState.Staged.class);
    assertThat(node.host.deployments().staged().orElseThrow().commit()).isEqualTo(B);
    assertThat(node.host.downloads(B)).isEqualTo(1);
    assertThat(node.rebooter.requests()).isEmpty();
  }

  @Test
  void reportsThatFailAreSentAgain() {
    TestNode node = node();
    node.reporter.failNext(4);

    node.settle(activate("a1", B));

    assertThat(node.reporter.last().state()).isInstanceOf(Booted.class);
    assertThat(node.reporter.last().lastCompletedInstructionId()).isEqualTo("a1");
  }

  @Test
  void noneAfterCompletionIsIdleAndKeepsTheLastCompletedId() {
    TestNode node = node();
    node.settle(activate("a1", B));

    assertThat(node.settle(none("n1"))).isInstanceOf(AgentState.Idle.class);
    assertThat(node.reporter.last().lastCompletedInstructionId()).isEqualTo("a1");
    // The same Activate coming back (e.g. a stale cache) is not acted on again.
    node.settle(activate("a1", B));
    assertThat(node.host.reboots()).isEqualTo(1);
  }

  @Test
  void anUnreadableJournalStopsTheAgent() throws Exception {
    TestNode node = node();
    Files.createDirectories(node.journalFile.getParent());
    Files.writeString(node.journalFile, "{\"version\":1,\"journal\":{\"state\":");

    NodeAgent.Outcome outcome = node.agent().reconcile(activate("a1", B));

    assertThat(outcome).isInstanceOf(NodeAgent.Outcome.RetryAfter.class);
    AgentState state = node.reporter.last().state();
    assertThat(state).isInstanceOf(Unmanaged.class);
    assertThat(((Unmanaged) state).reason()).isEqualTo("JournalUnusable");
    assertThat(((Unmanaged) state).message()).contains(node.journalFile.toString());
    assertThat(node.host.downloads(B)).isZero();
    assertThat(node.host.reboots()).isZero();
  }

  @Test
  void anInvalidInstructionFailsClearly() {
    TestNode node = node();

    Failed failed = (Failed) node.settle(activate("a1", "not-a-commit"));

    assertThat(failed.failure().reason()).isEqualTo(FailureReason.INVALID_INSTRUCTION);
    assertThat(failed.failure().message()).contains("not-a-commit");
  }
}
