package dev.treewave.agent.kube;

import static dev.treewave.agent.testing.TestNode.A;
import static dev.treewave.agent.testing.TestNode.B;
import static dev.treewave.agent.testing.TestNode.GIB;
import static dev.treewave.agent.testing.TestNode.OS;
import static dev.treewave.agent.testing.TestNode.OTHER_KEY;
import static dev.treewave.agent.testing.TestNode.REF;
import static dev.treewave.agent.testing.TestNode.TRUSTED_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.agent.AgentRuntime;
import dev.treewave.agent.config.AgentConfigParser;
import dev.treewave.agent.testing.Crashpoints;
import dev.treewave.agent.testing.FakeHostOs;
import dev.treewave.agent.testing.OsNodes;
import dev.treewave.agent.testing.RecordingRebooter;
import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.testing.kube.AgentRights;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.WithControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node agents against a real kube-apiserver (etcd + kube-apiserver from the test-support harness),
 * with the generated CRDs installed (so every status the agents write passes the CRD's schema),
 * each agent authenticated as a ServiceAccount with only the rights the Helm chart gives it. The
 * host side is {@link FakeHostOs}: the adapter over the ostree module's sysroot and pull code is a
 * separate piece of work. The harness plays the bootloader (reboot strategy none): it stops the
 * agent, reboots the fake host and starts the agent again.
 */
@WithControlPlane
class AgentApiServerIT {

  private static final String NAMESPACE = "treewave-system";
  private static final String AGENT_SA = "treewave-agent";

  static ControlPlane plane;

  @TempDir Path temp;

  private final List<Agent> agents = new ArrayList<>();

  @BeforeAll
  static void installCrdsAndAgentRights() throws Exception {
    AgentRights.install(
        plane,
        NAMESPACE,
        AGENT_SA,
        Map.of("ed25519.pub", Base64.getEncoder().encodeToString(TRUSTED_KEY)));
  }

  @AfterEach
  void stopAgents() throws Exception {
    for (Agent agent : agents) {
      agent.stop();
    }
  }

  /** One node: its fake host, its journal on its own "host root", its agent when running. */
  private final class Agent {
    final String node;
    final Path hostRoot;
    final FakeHostOs host = new FakeHostOs(new Crashpoints());
    final RecordingRebooter rebooter = new RecordingRebooter(new Crashpoints());
    AgentRuntime runtime;

    Agent(String node) throws Exception {
      this.node = node;
      this.hostRoot = Files.createDirectories(temp.resolve(node));
      agents.add(this);
    }

    Agent start() throws Exception {
      runtime =
          AgentRuntime.start(
              plane.serviceAccountClient(NAMESPACE, AGENT_SA),
              AgentConfigParser.parse(
                  Map.of(),
                  "--node-name=" + node,
                  "--host-root=" + hostRoot,
                  "--reboot-strategy=none",
                  "--resync-interval=2s",
                  "--heartbeat-interval=2s",
                  "--retry-backoff=500ms",
                  "--http-port=0"),
              host,
              rebooter,
              Clock.systemUTC());
      return this;
    }

    void stop() throws Exception {
      if (runtime != null) {
        runtime.close();
        runtime = null;
      }
    }

    /** Plays the bootloader for a reboot the agent asked for: stop, reboot, start. */
    void rebootWhenAsked() throws Exception {
      // The agent reports Rebooting (durably) just before it asks; wait for the request itself.
      await().atMost(Duration.ofSeconds(30)).until(rebooter::hasPending);
      assertThat(rebooter.takePending()).as(node + " asked for a reboot").isTrue();
      stop();
      host.reboot();
      start();
    }

    OSNodeStatus awaitState(AgentState state) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                OSNodeStatus status = status();
                assertThat(status).isNotNull();
                assertThat(status.agentState()).isEqualTo(state);
              });
      return status();
    }

    OSNodeStatus status() {
      return OsNodes.status(plane.client(), node);
    }

    /**
     * Waits until the restarted agent has written its status twice (its heartbeat is 2 s here): it
     * has read its OSNode, decided and reported, and gone round once more, so anything it would
     * have done on restart (such as asking for the reboot again) has been done by then.
     */
    void awaitPassesAfterRestart() {
      Instant restarted = Instant.now();
      await().atMost(Duration.ofSeconds(30)).until(() -> seenAfter(restarted));
      Instant first = Instant.parse(status().lastSeen());
      await().atMost(Duration.ofSeconds(30)).until(() -> seenAfter(first));
    }

    private boolean seenAfter(Instant t) {
      OSNodeStatus s = status();
      return s != null && s.lastSeen() != null && Instant.parse(s.lastSeen()).isAfter(t);
    }

    void instruct(Instruction instruction) {
      OsNodes.instruct(plane.client(), node, instruction);
    }
  }

  private static Instruction instruction(String id, NodeAction action, String commit) {
    return new Instruction(id, action, commit, "2026-11-22T10:00:00Z");
  }

  private Agent node(String name, Instruction instruction) throws Exception {
    OsNodes.create(
        plane.client(),
        name,
        OsNodes.ed25519Spec(
            "debian-12",
            OS,
            new ImageSource("http://127.0.0.1:8080/repo", REF, B),
            NAMESPACE,
            instruction));
    return new Agent(name);
  }

  @Test
  void severalAgentsStageActivateRebootOnceAndReportOnlyTheirOwnNode() throws Exception {
    List<Agent> nodes = new ArrayList<>();
    for (String name : List.of("node-1", "node-2", "node-3")) {
      Agent agent = node(name, instruction("s1", NodeAction.Stage, B));
      agent.host.bootedFrom(OS, A, GIB).serving(B, GIB, TRUSTED_KEY);
      nodes.add(agent.start());
    }
    for (Agent agent : nodes) {
      OSNodeStatus staged = agent.awaitState(AgentState.WaitingForPermission);
      assertThat(staged.lastCompletedInstructionId()).isEqualTo("s1");
      assertThat(staged.deploymentsOrEmpty())
          .filteredOn(OSDeployment::isStaged)
          .extracting(OSDeployment::commit)
          .containsExactly(B);
      assertThat(agent.rebooter.requests()).isEmpty();
    }

    Agent first = nodes.get(0);
    Agent second = nodes.get(1);
    Agent third = nodes.get(2);
    first.instruct(instruction("a1", NodeAction.Activate, B));
    second.instruct(instruction("a1", NodeAction.Activate, B));
    first.awaitState(AgentState.Rebooting);
    second.awaitState(AgentState.Rebooting);
    first.rebootWhenAsked();
    second.rebootWhenAsked();

    for (Agent agent : List.of(first, second)) {
      OSNodeStatus booted = agent.awaitState(AgentState.Booted);
      assertThat(booted.lastCompletedInstructionId()).isEqualTo("a1");
      assertThat(booted.booted().commit()).isEqualTo(B);
      assertThat(booted.booted().bootId()).isEqualTo("boot-2");
      assertThat(booted.lastError()).isNull();
      assertThat(agent.host.reboots()).isEqualTo(1);
      assertThat(agent.rebooter.requests()).hasSize(1);
    }
    // Killing and restarting a finished agent changes nothing.
    second.stop();
    second.start();
    second.awaitPassesAfterRestart();
    assertThat(second.status().agentState()).isEqualTo(AgentState.Booted);
    assertThat(second.rebooter.requests()).hasSize(1);
    assertThat(second.host.reboots()).isEqualTo(1);
    // The third node never got permission.
    assertThat(third.status().agentState()).isEqualTo(AgentState.WaitingForPermission);
    assertThat(third.rebooter.requests()).isEmpty();
  }

  @Test
  void aBadSignatureStopsBeforeStaging() throws Exception {
    Agent agent = node("node-badsig", instruction("a1", NodeAction.Activate, B));
    agent.host.bootedFrom(OS, A, GIB).serving(B, GIB, OTHER_KEY);
    agent.start();

    OSNodeStatus failed = agent.awaitState(AgentState.Failed);

    assertThat(failed.lastError().reason()).isEqualTo("SignatureInvalid");
    assertThat(failed.lastError().instructionId()).isEqualTo("a1");
    assertThat(failed.deploymentsOrEmpty()).noneMatch(OSDeployment::isStaged);
    assertThat(agent.host.downloads(B)).isZero();
    assertThat(agent.rebooter.requests()).isEmpty();
  }

  @Test
  void aBootloaderFallbackIsReportedAsABootFailure() throws Exception {
    Agent agent = node("node-fallback", instruction("a1", NodeAction.Activate, B));
    agent.host.bootedFrom(OS, A, GIB).serving(B, GIB, TRUSTED_KEY).fallBackOnNextBoot();
    agent.start();
    agent.awaitState(AgentState.Rebooting);

    agent.rebootWhenAsked();
    OSNodeStatus failed = agent.awaitState(AgentState.BootFailed);

    assertThat(failed.lastError().reason()).isEqualTo("BootFailed");
    assertThat(failed.booted().commit()).isEqualTo(A);
    assertThat(failed.lastCompletedInstructionId()).isEqualTo("a1");
    assertThat(agent.host.reboots()).isEqualTo(1);
  }

  @Test
  void aRollbackBootsThePreviousDeploymentWithoutDownloading() throws Exception {
    Agent agent = node("node-rollback", instruction("r1", NodeAction.Rollback, A));
    agent.host.bootedFrom(OS, B, GIB).withOlderDeployment(OS, A, GIB, false);
    agent.start();
    agent.awaitState(AgentState.Rebooting);

    agent.rebootWhenAsked();
    OSNodeStatus booted = agent.awaitState(AgentState.Booted);

    assertThat(booted.booted().commit()).isEqualTo(A);
    assertThat(booted.lastCompletedInstructionId()).isEqualTo("r1");
    assertThat(agent.host.downloads(A)).isZero();
    assertThat(agent.host.downloads(B)).isZero();
  }

  @Test
  void anAgentKilledWhileWaitingForItsRebootDoesNotAskAgain() throws Exception {
    Agent agent = node("node-killed", instruction("a1", NodeAction.Activate, B));
    agent.host.bootedFrom(OS, A, GIB).serving(B, GIB, TRUSTED_KEY);
    agent.start();
    agent.awaitState(AgentState.Rebooting);
    assertThat(agent.rebooter.requests()).hasSize(1);

    agent.stop(); // killed before the reboot happened
    agent.start();
    agent.awaitPassesAfterRestart();
    assertThat(agent.status().agentState()).isEqualTo(AgentState.Rebooting);
    assertThat(agent.rebooter.requests()).as("no second request for a1").hasSize(1);

    agent.rebootWhenAsked();
    OSNodeStatus booted = agent.awaitState(AgentState.Booted);
    assertThat(booted.lastCompletedInstructionId()).isEqualTo("a1");
    assertThat(agent.host.reboots()).isEqualTo(1);
  }
}
