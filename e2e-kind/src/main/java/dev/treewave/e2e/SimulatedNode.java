package dev.treewave.e2e;

import dev.treewave.agent.AgentRuntime;
import dev.treewave.agent.config.AgentConfig;
import dev.treewave.agent.config.RebootStrategy;
import dev.treewave.agent.host.HostManagementProbe;
import dev.treewave.agent.host.Rebooter;
import dev.treewave.agent.host.ostree.OstreeHostOs;
import dev.treewave.agent.state.AgentSettings;
import dev.treewave.agent.testing.ScratchHost;
import dev.treewave.ostree.pull.ArchiveSource;
import dev.treewave.ostree.pull.HttpTransport;
import dev.treewave.ostree.pull.PullOptions;
import dev.treewave.ostree.pull.Puller;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.ostree.sysroot.LocalSysrootFs;
import dev.treewave.ostree.sysroot.Sysroot;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One simulated machine: a scratch OSTree sysroot (its own {@code /}), its kernel command line and
 * boot id as files, and a node agent (in this JVM) managing it through the real {@link
 * OstreeHostOs}. With reboot strategy {@code none} this class plays the bootloader: when the agent
 * asks for a reboot, the agent is stopped, the default boot entry's options become the new kernel
 * command line (so the sysroot now reports that deployment as booted), a new boot id is written and
 * the agent starts again.
 *
 * <p>The machine itself (sysroot, command line, boot id, deploying, reading boot entries) is
 * node-agent's {@link ScratchHost}, the same one node-agent's tests use for an agent in its own JVM
 * or the adapter under test; it comes from node-agent's test-jar, which holds only that fixture
 * package, because this class is main code (the demo, {@code bin/demo}, runs it). What is added
 * here: the pull (a bare-user repository for a non-root user), the in-JVM agent and the automatic
 * bootloader.
 */
public final class SimulatedNode implements AutoCloseable {

  private final String name;
  private final ScratchHost scratch;
  private final KubernetesClient client;
  private final AgentSettings settings;
  private final Duration heartbeat;
  private final BootListener listener;
  private volatile AgentRuntime agent;
  private volatile boolean closed;

  /** Told about every simulated boot (after the agent restarted). */
  public interface BootListener {
    void booted(String node, String commit, int boots);

    /** Just before the machine goes down for a reboot the agent asked for. */
    default void rebooting(String node) {}
  }

  private SimulatedNode(
      String name,
      ScratchHost scratch,
      KubernetesClient client,
      AgentSettings settings,
      Duration heartbeat,
      BootListener listener) {
    this.heartbeat = heartbeat;
    this.name = name;
    this.scratch = scratch;
    this.client = client;
    this.settings = settings;
    this.listener = listener;
  }

  /**
   * Installs {@code osName} at {@code commit} (pulled, signature-checked, from {@code repoUrl})
   * into a fresh sysroot at {@code root} and boots it, without starting the agent.
   */
  public static SimulatedNode install(
      String name,
      Path root,
      String osName,
      String repoUrl,
      String ref,
      String commit,
      VerificationPolicy verification,
      KubernetesClient client,
      AgentSettings settings,
      Duration heartbeat,
      BootListener listener)
      throws IOException {
    Path repoPath = root.resolve("ostree/repo");
    // A real host's system repository is "bare" (needs root to own files as uid 0); a non-root
    // newcomer's demo gets "bare-user", which stores ownership in xattrs instead.
    if (!"root".equals(System.getProperty("user.name"))) {
      Files.createDirectories(repoPath.getParent());
      OstreeRepo.init(repoPath, RepoMode.BARE_USER);
    }
    Sysroot.initFs(root, new LocalSysrootFs());
    OstreeRepo repo = OstreeRepo.open(repoPath);
    try (HttpTransport transport = new HttpTransport(repoUrl)) {
      new Puller(repo)
          .pull(
              new ArchiveSource(transport),
              PullOptions.of("treewave", List.of(ref + "@" + commit), verification));
    }
    // The fake /proc beside the root: the agent scans the real /proc for other update managers.
    ScratchHost scratch =
        ScratchHost.deploy(root, root.resolveSibling(root.getFileName() + ".proc"), osName, commit);
    return new SimulatedNode(name, scratch, client, settings, heartbeat, listener);
  }

  public String name() {
    return name;
  }

  public Path root() {
    return scratch.root();
  }

  /** Starts the agent (again). */
  public synchronized void startAgent() {
    if (closed) {
      return;
    }
    Path hostRoot = scratch.root();
    OstreeHostOs host =
        new OstreeHostOs(
            hostRoot,
            scratch.bootedSource(),
            new HostManagementProbe(hostRoot, Path.of("/proc")),
            this::bootId);
    AgentConfig config =
        new AgentConfig(
            name,
            hostRoot,
            hostRoot.resolve("var-lib-treewave/journal.json"),
            RebootStrategy.NONE,
            List.of(),
            heartbeat.compareTo(Duration.ofSeconds(30)) < 0 ? heartbeat : Duration.ofSeconds(30),
            "127.0.0.1",
            0,
            settings,
            Path.of("/proc"),
            heartbeat);
    try {
      Files.createDirectories(config.journalFile().getParent());
      agent = AgentRuntime.start(client, config, host, new BootloaderRebooter(), Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the agent for good, as a deleted agent pod: it neither acts nor reports again. */
  public void killAgent() throws InterruptedException {
    stopAgent(true);
  }

  /**
   * Stops the agent as a crashed or evicted agent pod: silent until {@link #startAgent} brings it
   * back, with its journal where it was.
   */
  public void stopAgent() throws InterruptedException {
    stopAgent(false);
  }

  private void stopAgent(boolean forGood) throws InterruptedException {
    AgentRuntime running;
    synchronized (this) {
      closed |= forGood;
      running = agent;
      agent = null;
    }
    if (running != null) {
      running.close();
    }
  }

  /**
   * Makes the host look like it was not booted from OSTree (its {@code run/ostree-booted} marker is
   * gone), so the agent reports it Unmanaged; {@link #manageAgain} undoes it.
   */
  public void markNotOstreeBooted() throws IOException {
    scratch.machine().markNotOstreeBooted();
    AgentRuntime running = agent;
    if (running != null) {
      running.trigger();
    }
  }

  public void manageAgain() throws IOException {
    scratch.machine().markOstreeBooted();
    AgentRuntime running = agent;
    if (running != null) {
      running.trigger();
    }
  }

  /** What the sysroot itself says is booted now (independent of the agent's report). */
  public Optional<String> bootedCommit() throws IOException {
    return scratch.bootedCommit();
  }

  /** The commit the next boot would start (the first boot entry). */
  public String defaultCommit() throws IOException {
    return scratch.defaultCommit();
  }

  public String bootId() {
    return scratch.bootId();
  }

  public int boots() {
    return scratch.machine().boots();
  }

  /** Reboot strategy {@code none}, with this harness as the machine: stop, boot, start. */
  private final class BootloaderRebooter implements Rebooter {
    @Override
    public void requestReboot(String reason) {
      // Not on the agent's own thread: stopping the agent waits for that thread.
      Thread reboot =
          new Thread(
              () -> {
                try {
                  Thread.sleep(300);
                  rebootNow();
                } catch (Exception e) {
                  System.err.println("[" + name + "] simulated reboot failed: " + e);
                }
              },
              "reboot-" + name);
      reboot.setDaemon(true);
      reboot.start();
    }

    @Override
    public String name() {
      return "none (simulated bootloader)";
    }
  }

  private void rebootNow() throws Exception {
    listener.rebooting(name);
    AgentRuntime running;
    synchronized (this) {
      running = agent;
      agent = null;
    }
    if (running != null) {
      running.close();
    }
    if (closed) {
      return;
    }
    scratch.bootDefault();
    startAgent();
    listener.booted(name, bootedCommit().orElse("none"), boots());
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (agent != null) {
      try {
        agent.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      agent = null;
    }
  }
}
