package dev.treewave.agent.state;

import static dev.treewave.agent.testing.TestNode.A;
import static dev.treewave.agent.testing.TestNode.B;
import static dev.treewave.agent.testing.TestNode.GIB;
import static dev.treewave.agent.testing.TestNode.OS;
import static dev.treewave.agent.testing.TestNode.TRUSTED_KEY;
import static dev.treewave.agent.testing.TestNode.activate;
import static dev.treewave.agent.testing.TestNode.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.treewave.agent.state.AgentState.BootFailed;
import dev.treewave.agent.state.AgentState.Booted;
import dev.treewave.agent.state.AgentState.Failed;
import dev.treewave.agent.state.AgentState.Rebooting;
import dev.treewave.agent.testing.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the agent at every crash point a scenario passes (before and after every journal save, host
 * operation, reboot request and report), restarts it from the journal and the host, and checks that
 * the node never reboots twice for one instruction and that the final report is never lost.
 *
 * <p>A crash after the Rebooting state is durable but before the reboot request reaches the host
 * cannot be told apart from "the reboot is on its way", so the agent waits; there the scenario lets
 * the reboot timeout expire and the operator retries with a new instruction id.
 */
class NodeAgentCrashTest {

  /** Between "Rebooting is saved" and "the reboot was requested": the reboot never happens. */
  private static final Set<String> LOST_REBOOT_WINDOW =
      Set.of("journal.after:Rebooting", "report.before:Rebooting", "reboot.before");

  @TempDir Path base;

  /** Stage, then activate: the rollout path. */
  @TestFactory
  Stream<DynamicTest> stageThenActivate() {
    return everyCrashPoint(
        node -> {
          node.host.bootedFrom(OS, A, GIB).serving(B, GIB, TRUSTED_KEY);
          return node;
        },
        node -> {
          assertThat(node.settle(stage("s1", B))).isInstanceOf(AgentState.Staged.class);
          assertThat(node.host.reboots()).as("STAGE never reboots").isZero();
          return finishReboot(node, "a1", activate("a1", B), activate("a2", B));
        },
        (node, lastId) -> {
          assertThat(node.reporter.last().state()).isInstanceOf(Booted.class);
          assertThat(node.host.deployments().bootedCommit()).contains(B);
          assertThat(node.host.downloads(B)).isEqualTo(1);
        });
  }

  /** Rollback to the previous deployment. */
  @TestFactory
  Stream<DynamicTest> rollbackToThePreviousDeployment() {
    return everyCrashPoint(
        node -> {
          node.host.bootedFrom(OS, B, GIB).withOlderDeployment(OS, A, GIB, false);
          return node;
        },
        node -> finishReboot(node, "r1", TestNode.rollback("r1", null), TestNode.rollback("r2", A)),
        (node, lastId) -> {
          assertThat(node.reporter.last().state()).isInstanceOf(Booted.class);
          assertThat(node.host.deployments().bootedCommit()).contains(A);
          assertThat(node.host.downloads(A)).isZero();
        });
  }

  /** Activation where the bootloader falls back. */
  @TestFactory
  Stream<DynamicTest> bootFallback() {
    return everyCrashPoint(
        node -> {
          node.host.bootedFrom(OS, A, GIB).serving(B, GIB, TRUSTED_KEY).fallBackOnNextBoot();
          return node;
        },
        node -> finishReboot(node, "a1", activate("a1", B), activate("a2", B)),
        (node, lastId) -> {
          assertThat(node.reporter.last().state()).isInstanceOf(BootFailed.class);
          assertThat(node.host.deployments().bootedCommit()).contains(A);
          assertThat(node.host.deployments().defaultDeployment().orElseThrow().commit())
              .isEqualTo(A);
        });
  }

  /**
   * Runs {@code first}; if the agent is left waiting for a reboot that a crash swallowed, lets the
   * timeout expire and runs {@code retry}. Returns the id of the instruction that completed.
   */
  private static String finishReboot(
      TestNode node, String firstId, Instruction first, Instruction retry) {
    AgentState state = node.settle(first);
    if (!(state instanceof Rebooting)) {
      return firstId;
    }
    assertThat(node.crashpoints.crashedAt())
        .as("only a crash before the reboot request may leave the reboot undone")
        .isIn(LOST_REBOOT_WINDOW);
    node.clock.advance(node.settings.rebootTimeout().plus(Duration.ofSeconds(1)));
    Failed timedOut = (Failed) node.settle(first);
    assertThat(timedOut.failure().reason()).isEqualTo(FailureReason.REBOOT_TIMED_OUT);
    assertThat(node.reporter.last().lastCompletedInstructionId()).isEqualTo(firstId);
    node.settle(retry);
    return retry.id();
  }

  private interface FinalCheck {
    void check(TestNode node, String completedId);
  }

  private Stream<DynamicTest> everyCrashPoint(
      Function<TestNode, TestNode> setUp, Function<TestNode, String> scenario, FinalCheck check) {
    TestNode reference = setUp.apply(new TestNode(dir("reference")));
    String referenceId = scenario.apply(reference);
    check.check(reference, referenceId);
    assertThat(reference.host.reboots()).isEqualTo(1);
    List<String> points = reference.crashpoints.hits();
    assertThat(points).hasSizeGreaterThan(10);

    // The crash points from "Rebooting is durable" to "reboot requested" swallow the reboot.
    int windowStart = points.indexOf("journal.after:Rebooting");
    int windowEnd = points.indexOf("reboot.before");
    assertThat(windowStart).isPositive().isLessThan(windowEnd);

    List<DynamicTest> tests = new ArrayList<>();
    IntStream.rangeClosed(1, points.size())
        .forEach(
            n ->
                tests.add(
                    dynamicTest(
                        "crash at #" + n + " " + points.get(n - 1),
                        () -> {
                          TestNode node = setUp.apply(new TestNode(dir("crash-" + n)));
                          node.crashpoints.armAt(n);
                          String completedId = scenario.apply(node);

                          assertThat(node.crashpoints.crashedAt()).isEqualTo(points.get(n - 1));
                          assertThat(completedId.equals(referenceId))
                              .as(
                                  "the operator must retry exactly when the crash swallowed the"
                                      + " reboot request")
                              .isEqualTo(n - 1 < windowStart || n - 1 > windowEnd);
                          assertThat(node.starts()).as("the agent was restarted").isGreaterThan(1);
                          assertNoSecondReboot(node);
                          assertNoLostReport(node, completedId);
                          check.check(node, completedId);
                        })));
    return tests.stream();
  }

  private static void assertNoSecondReboot(TestNode node) {
    Map<String, Long> requestsPerInstruction =
        node.rebooter.requests().stream()
            .collect(
                Collectors.groupingBy(
                    reason -> reason.replaceAll("^treewave instruction (\\S+):.*$", "$1"),
                    Collectors.counting()));
    assertThat(requestsPerInstruction.values()).allMatch(count -> count == 1);
    assertThat(node.host.reboots()).isEqualTo(node.rebooter.requests().size()).isEqualTo(1);
  }

  private static void assertNoLostReport(TestNode node, String completedId) {
    Journal journal = node.agent().journal();
    NodeReport last = node.reporter.last();
    assertThat(last.state()).isEqualTo(journal.state());
    assertThat(last.lastCompletedInstructionId()).isEqualTo(completedId);
    assertThat(journal.lastCompletedInstructionId()).isEqualTo(completedId);
    assertThat(last.host().deployments()).isEqualTo(node.host.deployments());
  }

  private Path dir(String name) {
    try {
      return Files.createDirectories(base.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
