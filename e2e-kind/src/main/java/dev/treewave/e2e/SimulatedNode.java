package dev.treewave.e2e;

import dev.treewave.agent.AgentRuntime;
import dev.treewave.agent.config.AgentConfig;
import dev.treewave.agent.config.RebootStrategy;
import dev.treewave.agent.host.HostManagementProbe;
import dev.treewave.agent.host.Rebooter;
import dev.treewave.agent.host.ostree.OstreeHostOs;
import dev.treewave.agent.state.AgentSettings;
import dev.treewave.ostree.pull.ArchiveSource;
import dev.treewave.ostree.pull.HttpTransport;
import dev.treewave.ostree.pull.PullOptions;
import dev.treewave.ostree.pull.Puller;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.ostree.sysroot.BootedSource;
import dev.treewave.ostree.sysroot.DeployOptions;
import dev.treewave.ostree.sysroot.Deployment;
import dev.treewave.ostree.sysroot.LocalSysrootFs;
import dev.treewave.ostree.sysroot.RepoTreeSource;
import dev.treewave.ostree.sysroot.SpaceReserve;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated machine: a scratch OSTree sysroot (its own {@code /}), its kernel command line and
 * boot id as files, and a node agent (in this JVM) managing it through the real {@link
 * OstreeHostOs}. With reboot strategy {@code none} this class plays the bootloader: when the agent
 * asks for a reboot, the agent is stopped, the default boot entry's options become the new kernel
 * command line (so the sysroot now reports that deployment as booted), a new boot id is written and
 * the agent starts again.
 *
 * <p>node-agent's test {@code ScratchHost} is the host part alone (for an agent in its own JVM or
 * the adapter under test); they are not one class because this one runs in the demo ({@code
 * bin/demo}, e2e-kind's main code), which cannot depend on node-agent's tests.
 */
public final class SimulatedNode implements AutoCloseable {

  private final String name;
  private final Path root;
  private final Path cmdline;
  private final Path bootIdFile;
  private final KubernetesClient client;
  private final AgentSettings settings;
  private final Duration heartbeat;
  private final BootListener listener;
  private final AtomicInteger boots = new AtomicInteger();
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
      Path root,
      KubernetesClient client,
      AgentSettings settings,
      Duration heartbeat,
      BootListener listener) {
    this.heartbeat = heartbeat;
    this.name = name;
    this.root = root;
    this.cmdline = root.resolve("proc-cmdline");
    this.bootIdFile = root.resolve("boot-id");
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
    Sysroot sysroot = Sysroot.builder(root, RepoTreeSource.forSysroot(root)).build();
    sysroot.osInit(osName);
    sysroot.deploy(DeployOptions.of(commit).withOsname(osName));
    SimulatedNode node = new SimulatedNode(name, root, client, settings, heartbeat, listener);
    node.bootDefault();
    return node;
  }

  public String name() {
    return name;
  }

  public Path root() {
    return root;
  }

  /** Starts the agent (again). */
  public synchronized void startAgent() {
    if (closed) {
      return;
    }
    Path hostRoot = root;
    OstreeHostOs host =
        new OstreeHostOs(
            hostRoot,
            bootedSource(),
            new HostManagementProbe(hostRoot, Path.of("/proc")),
            this::bootId);
    AgentConfig config =
        new AgentConfig(
            name,
            hostRoot,
            root.resolve("var-lib-treewave/journal.json"),
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
    Files.deleteIfExists(root.resolve("run/ostree-booted"));
    AgentRuntime running = agent;
    if (running != null) {
      running.trigger();
    }
  }

  public void manageAgain() throws IOException {
    Path marker = root.resolve("run/ostree-booted");
    if (!Files.exists(marker)) {
      Files.createFile(marker);
    }
    AgentRuntime running = agent;
    if (running != null) {
      running.trigger();
    }
  }

  /** What the sysroot itself says is booted now (independent of the agent's report). */
  public Optional<String> bootedCommit() throws IOException {
    Sysroot sysroot =
        Sysroot.builder(root, RepoTreeSource.forSysroot(root)).bootedSource(bootedSource()).build();
    var state = sysroot.state();
    return state.booted().map(Deployment.Id::csum);
  }

  /** The commit the next boot would start (the first boot entry). */
  public String defaultCommit() throws IOException {
    Sysroot sysroot =
        Sysroot.builder(root, RepoTreeSource.forSysroot(root)).bootedSource(bootedSource()).build();
    return sysroot.state().deployments().get(0).csum();
  }

  public String bootId() {
    try {
      return Files.readString(bootIdFile).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int boots() {
    return boots.get();
  }

  private BootedSource bootedSource() {
    // bootedRoot points nowhere, so the ostree= argument of our "kernel command line" decides.
    return new BootedSource(root.resolve("run"), this::readCmdline, root.resolve("run/no-root"));
  }

  private String readCmdline() {
    try {
      return Files.readString(cmdline);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bootloader's part: boot the first entry with its options as the kernel command line. */
  private void bootDefault() throws IOException {
    Sysroot sysroot =
        Sysroot.builder(root, RepoTreeSource.forSysroot(root))
            .bootedSource(BootedSource.notBooted(root.resolve("run")))
            .spaceReserve(SpaceReserve.none())
            .build();
    Deployment first = sysroot.state().deployments().get(0);
    Files.writeString(cmdline, first.kargs().toString() + "\n");
    Files.writeString(bootIdFile, UUID.randomUUID() + "\n");
    Files.createDirectories(root.resolve("run"));
    if (!Files.exists(root.resolve("run/ostree-booted"))) {
      Files.createFile(root.resolve("run/ostree-booted"));
    }
    boots.incrementAndGet();
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
    bootDefault();
    startAgent();
    listener.booted(name, bootedCommit().orElse("none"), boots.get());
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
