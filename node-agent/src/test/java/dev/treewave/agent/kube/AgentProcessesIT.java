package dev.treewave.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.VerificationPolicy;
import dev.treewave.agent.testing.OsNodes;
import dev.treewave.agent.testing.ScratchHost;
import dev.treewave.agent.testing.TestCommits;
import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Signer;
import dev.treewave.testing.http.StaticRepoServer;
import dev.treewave.testing.kube.AgentRights;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.WithControlPlane;
import io.fabric8.kubernetes.api.model.Node;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent as it runs in production: separate JVM processes ({@code AgentMain}), one per kwok
 * node of a real control plane, each with a bound ServiceAccount token holding only the chart's
 * rights, each managing its own scratch sysroot (made with the sysroot code) through the real
 * {@code OstreeHostOs}, pulling ed25519-signed commits over HTTP from 127.0.0.1. Reboot strategy
 * {@code none}: the test plays the bootloader. One agent is killed with SIGKILL in every state
 * (pulling, staged and waiting, activating, rebooting, booted) and started again: it never asks for
 * a second reboot for the same instruction, never downloads or stages twice, and its report after
 * every restart is the truth of its journal and sysroot.
 *
 * <p>States that pass too fast to be caught are held open without timing: the pull by an HTTP
 * server that holds file requests until released, activation by the test holding the sysroot lock
 * (the agent retries a busy sysroot).
 */
@WithControlPlane(kwok = true)
class AgentProcessesIT {

  private static final String NAMESPACE = "treewave-system";
  private static final String AGENT_SA = "treewave-agent";
  private static final String OS = "testos";
  private static final String REF = "testos/x86_64/stable";
  private static final Pattern HTTP_PORT = Pattern.compile("http [0-9.]+:(\\d+)\\)");

  static ControlPlane plane;

  @TempDir static Path shared;
  private static StaticRepoServer server;
  private static final HeldRequests held = new HeldRequests();
  private static String v1;
  private static String v2;
  private static VerificationPolicy policy;

  @TempDir Path temp;
  private final List<AgentNode> nodes = new ArrayList<>();

  @BeforeAll
  static void repositoryAndRights() throws Exception {
    OstreeRepo repo = OstreeRepo.init(shared.resolve("repo"), RepoMode.ARCHIVE);
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    Ed25519Signer signer = new Ed25519Signer(seed);
    v1 = TestCommits.commit(repo, shared.resolve("tree-1"), REF, "1", signer);
    v2 = TestCommits.commit(repo, shared.resolve("tree-2"), REF, "2", signer);
    server = StaticRepoServer.start(repo.path(), new InetSocketAddress("127.0.0.1", 0));
    server.setFaultInjector(held);
    byte[] publicKey =
        (Ed25519Keys.publicKeyString(signer.publicKey()) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    policy = new VerificationPolicy(VerificationPolicy.Scheme.ED25519, List.of(publicKey));
    AgentRights.install(
        plane,
        NAMESPACE,
        AGENT_SA,
        Map.of("ed25519.pub", Base64.getEncoder().encodeToString(publicKey)));
  }

  @AfterAll
  static void stopServer() {
    held.release();
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void stopAgents() throws Exception {
    held.release();
    for (AgentNode node : nodes) {
      node.close();
    }
  }

  @Test
  void killedInEveryStateAnAgentRebootsOnceAndLosesNoReport() throws Exception {
    AgentNode a = new AgentNode("kwok-agent-a");
    AgentNode b = new AgentNode("kwok-agent-b");

    // Pulling: file requests are held, so the agent is mid-pull when it is killed.
    held.hold();
    a.instruct(instruction("s1", NodeAction.Stage));
    a.start();
    a.awaitState(AgentState.Pulling);
    held.awaitHeld();
    a.kill();
    held.release();
    a.start();
    OSNodeStatus staged = a.awaitState(AgentState.WaitingForPermission);
    assertThat(staged.lastCompletedInstructionId()).isEqualTo("s1");
    OSDeployment stagedDeployment =
        staged.deploymentsOrEmpty().stream().filter(OSDeployment::isStaged).findFirst().get();
    assertThat(stagedDeployment.commit()).isEqualTo(v2);
    assertThat(a.scratch.host().inspect().deployments().staged().map(Deployment::commit))
        .contains(v2);

    // Another node's agent, in its own process, stages too and is never told to go further.
    b.instruct(instruction("s1", NodeAction.Stage));
    b.start();
    b.awaitState(AgentState.WaitingForPermission);

    // Staged, waiting for permission: a restart downloads nothing and stages nothing again.
    long objectsServed = objectsServed();
    a.kill();
    a.start();
    a.awaitReady();
    OSNodeStatus stillStaged = a.status();
    assertThat(stillStaged.agentState()).isEqualTo(AgentState.WaitingForPermission);
    assertThat(stillStaged.deploymentsOrEmpty())
        .filteredOn(OSDeployment::isStaged)
        .containsExactly(stagedDeployment);
    assertThat(objectsServed()).isEqualTo(objectsServed);
    assertThat(a.rebootRequests()).isZero();

    // Activating: the test holds the sysroot lock, so activation is retried until it is killed.
    try (FileChannel channel =
            FileChannel.open(
                a.scratch.root().resolve("ostree/lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      a.instruct(instruction("a1", NodeAction.Activate));
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                OSNodeStatus s = a.status();
                assertThat(s.agentState()).isEqualTo(AgentState.Activating);
                assertThat(s.retrying()).as("an attempt met the locked sysroot").isNotNull();
                assertThat(s.lastError()).as("still retrying: not a failure").isNull();
              });
      assertThat(lock.isValid()).isTrue();
      a.kill();
    }
    assertThat(a.scratch.defaultCommit()).as("nothing activated under the lock").isEqualTo(v1);
    a.start();
    a.awaitState(AgentState.Rebooting);
    // The agent reports Rebooting just before it asks for the reboot: wait for the request.
    a.awaitRebootRequests(1);
    assertThat(a.scratch.defaultCommit()).isEqualTo(v2);

    // Rebooting, the reboot not yet happened: a restart on the same boot asks for none.
    a.kill();
    a.start();
    a.awaitReady();
    assertThat(a.status().agentState()).isEqualTo(AgentState.Rebooting);
    assertThat(a.rebootRequests()).isEqualTo(1);

    // The bootloader: the machine goes down and boots its default deployment.
    a.kill();
    a.scratch.bootDefault();
    a.start();
    OSNodeStatus booted = a.awaitState(AgentState.Booted);
    assertThat(booted.lastCompletedInstructionId()).isEqualTo("a1");
    assertThat(booted.booted().commit()).isEqualTo(v2);
    assertThat(a.scratch.bootedCommit()).contains(v2);
    assertThat(booted.booted().bootId()).isEqualTo(a.scratch.bootId());
    assertThat(booted.lastError()).isNull();

    // Booted: a restart changes nothing and reports the same.
    String bootId = a.scratch.bootId();
    a.kill();
    a.start();
    a.awaitReady();
    OSNodeStatus after = a.status();
    assertThat(after.agentState()).isEqualTo(AgentState.Booted);
    assertThat(after.lastCompletedInstructionId()).isEqualTo("a1");
    assertThat(after.booted().bootId()).isEqualTo(bootId);
    assertThat(a.rebootRequests()).as("one reboot for a1, over %d starts", a.starts).isEqualTo(1);

    assertThat(b.status().agentState()).isEqualTo(AgentState.WaitingForPermission);
    assertThat(b.rebootRequests()).isZero();
    assertThat(b.scratch.defaultCommit()).isEqualTo(v1);
    assertThat(b.scratch.bootedCommit()).contains(v1);

    // A rolls back to v1 (already on disk: nothing is downloaded); B activates, but its
    // bootloader falls back to v1, which B reports as a boot failure.
    long served = objectsServed();
    a.instruct(new Instruction("r1", NodeAction.Rollback, v1, "2026-11-22T11:00:00Z"));
    b.instruct(instruction("a1", NodeAction.Activate));
    a.awaitState(AgentState.Rebooting);
    b.awaitState(AgentState.Rebooting);
    a.awaitRebootRequests(2);
    b.awaitRebootRequests(1);
    a.kill();
    a.scratch.bootDefault();
    a.start();
    b.kill();
    b.scratch.bootFallback();
    b.start();

    OSNodeStatus rolledBack = a.awaitState(AgentState.Booted);
    assertThat(rolledBack.lastCompletedInstructionId()).isEqualTo("r1");
    assertThat(rolledBack.booted().commit()).isEqualTo(v1);
    assertThat(a.scratch.bootedCommit()).contains(v1);
    assertThat(a.rebootRequests()).as("a1 and r1, one each").isEqualTo(2);
    OSNodeStatus fellBack = b.awaitState(AgentState.BootFailed);
    assertThat(fellBack.lastError().reason()).isEqualTo("BootFailed");
    assertThat(fellBack.lastError().instructionId()).isEqualTo("a1");
    // What it booted is in the failure: once the agent has made v1 the default again, the
    // rewritten boot links no longer match the scratch machine's (fixed) kernel command line, so
    // the booted deployment is only known by inode, which a scratch sysroot cannot offer.
    assertThat(fellBack.lastError().message()).contains("but booted " + v1);
    assertThat(b.rebootRequests()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(b.scratch.defaultCommit())
                    .as("the booted deployment is the default again")
                    .isEqualTo(v1));
    assertThat(objectsServed()).as("neither needed a download").isEqualTo(served);
  }

  private static Instruction instruction(String id, NodeAction action) {
    return new Instruction(id, action, v2, "2026-11-22T10:00:00Z");
  }

  private static long objectsServed() {
    return server.requests().stream()
        .filter(r -> r.status() == 200 && r.path().contains("/objects/"))
        .count();
  }

  /** Holds file object requests while closed (the pull stalls); counts the requests it holds. */
  private static final class HeldRequests implements StaticRepoServer.FaultInjector {
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger holding = new AtomicInteger();

    void hold() {
      holding.set(0);
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    void awaitHeld() {
      await().atMost(Duration.ofSeconds(60)).until(() -> holding.get() > 0);
    }

    @Override
    public StaticRepoServer.Fault faultFor(String path) {
      CountDownLatch current = gate;
      if (path.endsWith(".filez") && current.getCount() > 0) {
        holding.incrementAndGet();
        try {
          current.await(3, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return StaticRepoServer.Fault.NONE;
    }
  }

  /** One kwok node: its OSNode, its scratch machine, and its agent process when running. */
  private final class AgentNode implements AutoCloseable {
    final String name;
    final ScratchHost scratch;
    final Path log;
    final Path kubeconfig;
    Process process;
    long logOffset;
    int starts;

    AgentNode(String name) throws Exception {
      this.name = name;
      Node node = plane.kwokNodes().createReady(name, Map.of());
      Path dir = Files.createDirectories(temp.resolve(name));
      scratch =
          ScratchHost.install(
              dir.resolve("root"),
              dir.resolve("proc"),
              OS,
              ScratchHost.request(server.url(), REF, v1, policy));
      log = dir.resolve("agent.log");
      // A token bound to the Node, as the DaemonSet's pod would carry one bound to its pod.
      kubeconfig = plane.writeServiceAccountKubeconfig(NAMESPACE, AGENT_SA, node);
      OsNodes.create(
          plane.client(),
          name,
          OsNodes.ed25519Spec(
              "testos", OS, new ImageSource(server.url(), REF, v2), NAMESPACE, null));
      nodes.add(this);
    }

    void start() throws IOException {
      logOffset = Files.exists(log) ? Files.size(log) : 0;
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder =
          new ProcessBuilder(
              java,
              "-XX:+UseSerialGC",
              "-Xmx64m",
              "-XX:TieredStopAtLevel=1",
              "-Xss256k",
              "-cp",
              System.getProperty("java.class.path"),
              "dev.treewave.agent.AgentMain",
              "--node-name=" + name,
              "--host-root=" + scratch.root(),
              "--proc=" + scratch.proc(),
              "--journal=" + scratch.root().resolve("var/lib/treewave/agent-state.json"),
              "--reboot-strategy=none",
              "--resync-interval=2s",
              "--retry-backoff=300ms",
              "--max-attempts=1000",
              "--disk-reserve=1Mi",
              "--http-address=127.0.0.1",
              "--http-port=0");
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      builder.environment().remove("KUBERNETES_SERVICE_HOST");
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      process = builder.start();
      starts++;
    }

    /** SIGKILL: no shutdown hook, no last report. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }

    /** The new process has synced its watch and reported its status (its /readyz). */
    void awaitReady() {
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                assertThat(process.isAlive()).as(name + " agent is running; " + tail()).isTrue();
                String since = Files.readString(log).substring((int) logOffset);
                Matcher port = HTTP_PORT.matcher(since);
                assertThat(port.find()).as(name + " agent started").isTrue();
                HttpResponse<Void> ready =
                    http.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port.group(1) + "/readyz"))
                            .build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(ready.statusCode()).isEqualTo(200);
              });
    }

    OSNodeStatus awaitState(AgentState state) {
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                assertThat(process.isAlive()).as(name + " agent is running; " + tail()).isTrue();
                OSNodeStatus status = status();
                assertThat(status).isNotNull();
                assertThat(status.agentState()).isEqualTo(state);
              });
      return status();
    }

    OSNodeStatus status() {
      return OsNodes.status(plane.client(), name);
    }

    void instruct(Instruction instruction) {
      OsNodes.instruct(plane.client(), name, instruction);
    }

    /** Waits until this node's agents have asked for exactly {@code count} reboots. */
    void awaitRebootRequests(long count) {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(this::rebootRequests, requests -> requests == count);
    }

    /** Reboot requests over all of this node's agent processes (their logs). */
    long rebootRequests() throws IOException {
      if (!Files.exists(log)) {
        return 0;
      }
      return Files.readAllLines(log).stream()
          .filter(line -> line.contains("Requesting a reboot"))
          .count();
    }

    private String tail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
      } catch (IOException e) {
        return "(no log)";
      }
    }

    @Override
    public void close() throws Exception {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
        process.waitFor();
      }
      scratch.unlock();
    }
  }
}
