package dev.treewave.e2e;

import dev.treewave.agent.state.AgentSettings;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.Pause;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.operator.OperatorRuntime;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Verifier;
import dev.treewave.ostree.sysroot.LocalSysrootFs;
import dev.treewave.testing.kube.ConflictRetry;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.ProtectedWorkload;
import dev.treewave.testing.kube.TreewavePlane;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The whole system on one machine, without Docker: a signed OS repository on 127.0.0.1, a real
 * control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok) with N kwok nodes, the
 * CRDs, a PDB-protected Deployment spread over the nodes, one node agent per node on its own
 * scratch sysroot (booted into v1), and the operator. Shared by the {@code *E2E} tests and the
 * demo.
 *
 * <p>The control plane with CRDs and namespaces, the PDB-protected workload and conflict-retrying
 * edits are test-support's ({@link TreewavePlane}, {@link ProtectedWorkload}, {@link
 * ConflictRetry}), shared with the operator's {@code RolloutFixture}. The rest stays here: a signed
 * repository, real agents on real sysroots and the operator in or out of process, which need the
 * operator's and the agent's main code that test-support (below both) cannot see; the operator's
 * ITs drive scripted agents instead, from the operator's tests, which this main code (the demo)
 * cannot depend on.
 */
public final class LocalCluster implements AutoCloseable {

  public static final String OS_NAME = "treewave-demo";
  public static final String POOL_LABEL = "treewave.dev/demo-pool";
  public static final String SYSTEM_NAMESPACE = TreewavePlane.SYSTEM_NAMESPACE;
  public static final String APPS_NAMESPACE = TreewavePlane.APPS_NAMESPACE;
  public static final String WORKLOAD = "web";
  public static final String KEYS_CONFIG_MAP = "treewave-demo-keys";

  /**
   * @param nodes how many kwok nodes (each with an agent and a sysroot)
   * @param workDir where repository and sysroots go (deleted on close)
   * @param log progress lines
   * @param operatorProcesses 0: the operator runs in this JVM; n: n leader-elected replicas, each
   *     its own JVM ({@link OperatorProcesses})
   * @param leaseTimings the replicas' Lease timings (only with operatorProcesses > 0)
   */
  public record Options(
      int nodes,
      Path workDir,
      Consumer<String> log,
      AgentSettings agentSettings,
      Duration agentHeartbeat,
      int operatorProcesses,
      OperatorRuntime.LeaseTimings leaseTimings) {

    /** Agents retry 5 times, 2 s apart, and write a heartbeat every 30 s. */
    public Options(int nodes, Path workDir, Consumer<String> log) {
      this(
          nodes,
          workDir,
          log,
          new AgentSettings(
              2,
              16L << 20,
              5,
              Duration.ofSeconds(2),
              Duration.ofMinutes(3),
              Duration.ofMillis(500)),
          Duration.ofSeconds(30),
          0,
          OperatorRuntime.LeaseTimings.DEFAULT);
    }

    /** The same, with other agent settings and heartbeat (fault-injection tests). */
    public Options withAgents(AgentSettings settings, Duration heartbeat) {
      return new Options(nodes, workDir, log, settings, heartbeat, operatorProcesses, leaseTimings);
    }

    /** The same, with the operator as {@code replicas} leader-elected processes. */
    public Options withOperatorProcesses(int replicas, OperatorRuntime.LeaseTimings lease) {
      return new Options(nodes, workDir, log, agentSettings, agentHeartbeat, replicas, lease);
    }
  }

  private final Options options;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<SimulatedNode> nodes = new ArrayList<>();
  private final List<String> bootLog = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<Boot> boots = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Boolean> cordonedAtReboot =
      new java.util.concurrent.ConcurrentHashMap<>();
  private OsRepository repository;
  private ControlPlane plane;
  private OperatorProcesses operatorProcesses;

  private LocalCluster(Options options) {
    this.options = options;
  }

  /**
   * Edits an OSImage as a person or a GitOps tool would, again on a conflict ({@link
   * ConflictRetry}): the operator writes status all the time.
   */
  public static OSImage editImage(
      KubernetesClient client, String name, UnaryOperator<OSImage> change) {
    return ConflictRetry.edit(client.resources(OSImage.class).withName(name), change);
  }

  /** Starts everything; on failure stops what was started and rethrows. */
  public static LocalCluster start(Options options) throws Exception {
    LocalCluster cluster = new LocalCluster(options);
    try {
      cluster.boot();
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void boot() throws Exception {
    Consumer<String> log = options.log();
    Files.createDirectories(options.workDir());
    long t0 = System.nanoTime();
    repository = OsRepository.create(options.workDir().resolve("os"));
    toClose.add(repository);
    log.accept(
        String.format(
            "OS repository %s: v1 %s, v2 %s (ed25519-signed)",
            repository.url(), shortId(repository.v1()), shortId(repository.v2())));

    plane = TreewavePlane.start("treewave-local", options.workDir().resolve("control-plane-logs"));
    toClose.add(plane::close);
    KubernetesClient client = plane.client();
    log.accept(
        String.format(
            "control plane up at %s in %.1f s (etcd, kube-apiserver, controller-manager,"
                + " scheduler, kwok)",
            plane.apiServerUrl(), plane.startupTime().toMillis() / 1000.0));
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(KEYS_CONFIG_MAP)
                .withNamespace(SYSTEM_NAMESPACE)
                .endMetadata()
                .addToData("ed25519.pub", repository.publicKey() + "\n")
                .build())
        .create();

    for (int i = 0; i < options.nodes(); i++) {
      plane.kwokNodes().create(nodeName(i), Map.of(POOL_LABEL, "demo"));
    }
    for (int i = 0; i < options.nodes(); i++) {
      plane.kwokNodes().awaitReady(nodeName(i));
    }
    log.accept(options.nodes() + " kwok nodes Ready");
    ProtectedWorkload.of(APPS_NAMESPACE, WORKLOAD, workloadReplicas(), workloadMinAvailable())
        .spreadOverNodes()
        .withImage("registry.invalid/web:1")
        .createAndAwait(client);
    log.accept(
        String.format(
            "Deployment %s/%s: %d replicas spread over the nodes, PodDisruptionBudget"
                + " minAvailable %d",
            APPS_NAMESPACE, WORKLOAD, workloadReplicas(), workloadMinAvailable()));

    AgentSettings settings = options.agentSettings();
    var verification =
        new dev.treewave.ostree.sign.VerificationPolicy(
            List.of(
                new Ed25519Verifier(
                    List.of(Ed25519Keys.parsePublic(repository.publicKey())), List.of())),
            List.of());
    for (int i = 0; i < options.nodes(); i++) {
      SimulatedNode node =
          SimulatedNode.install(
              nodeName(i),
              options.workDir().resolve("nodes").resolve(nodeName(i)),
              OS_NAME,
              repository.url(),
              OsRepository.REF,
              repository.v1(),
              verification,
              client,
              settings,
              options.agentHeartbeat(),
              new SimulatedNode.BootListener() {
                @Override
                public void rebooting(String name) {
                  cordonedAtReboot.put(name, cordoned(name));
                }

                @Override
                public void booted(String name, String commit, int count) {
                  bootLog.add(name + " " + commit);
                  boots.add(new Boot(name, commit, cordonedAtReboot.getOrDefault(name, true)));
                }
              });
      nodes.add(node);
      toClose.add(node);
    }
    log.accept(
        options.nodes()
            + " scratch sysroots installed and booted into v1 "
            + shortId(repository.v1()));
    // The operator creates the OSNodes; agents wait for theirs, so start the operator first.
    if (options.operatorProcesses() > 0) {
      startOperatorProcesses();
    } else {
      startOperatorInProcess(client);
    }
    for (SimulatedNode node : nodes) {
      node.startAgent();
    }
    log.accept(
        String.format(
            "operator and %d node agents running (%.1f s since start)",
            nodes.size(), (System.nanoTime() - t0) / 1e9));
  }

  private void startOperatorProcesses() throws IOException {
    // Logs beside the work dir, which close() deletes: they are what explains a failover.
    Path logDir = options.workDir().resolveSibling(options.workDir().getFileName() + "-operators");
    Files.createDirectories(logDir);
    operatorProcesses =
        OperatorProcesses.start(
            plane.client(),
            plane.kubeconfigFile(),
            options.operatorProcesses(),
            options.leaseTimings(),
            logDir);
    toClose.add(operatorProcesses);
    options
        .log()
        .accept(
            String.format(
                "%d operator replicas %s as their own JVMs, lease %s (logs in %s)",
                options.operatorProcesses(),
                operatorProcesses.names(),
                options.leaseTimings(),
                logDir));
  }

  private void startOperatorInProcess(KubernetesClient client) throws IOException {
    toClose.add(startOperator(client));
  }

  /** The operator in this JVM, as the local system runs it; closing stops it. */
  public static AutoCloseable startOperator(KubernetesClient client) throws IOException {
    OperatorRuntime operator =
        OperatorRuntime.start(
            client,
            new OperatorRuntime.Settings(
                "treewave-operator",
                SYSTEM_NAMESPACE,
                "local-operator",
                null,
                // Events about a cluster-scoped OSImage must live in "default": the API server
                // rejects them elsewhere (involvedObject.namespace "" must match).
                "default",
                new InetSocketAddress("127.0.0.1", 0),
                false));
    return operator::close;
  }

  /** The operator replicas, when {@link Options#operatorProcesses()} asked for processes. */
  public OperatorProcesses operatorProcesses() {
    if (operatorProcesses == null) {
      throw new IllegalStateException("the operator runs in-process");
    }
    return operatorProcesses;
  }

  public int workloadReplicas() {
    return Math.max(2, options.nodes());
  }

  public int workloadMinAvailable() {
    return workloadReplicas() - 1;
  }

  /**
   * An OSImage rolling {@code commit} out to every node: a canary wave of one node (paused until
   * resumed by hand if {@code pauseAfterCanary}), then waves of up to half the rest, at most {@code
   * maxUnavailable} nodes disrupted at once; Ed25519 signatures required.
   */
  public OSImage image(String name, String commit, boolean pauseAfterCanary, int maxUnavailable) {
    Wave canary =
        pauseAfterCanary
            ? new Wave(new IntOrString(1), null, Pause.untilResumedByHand())
            : Wave.of(1);
    List<Wave> waves = new ArrayList<>(List.of(canary));
    if (options.nodes() > 3) {
      waves.add(Wave.of("50%"));
    }
    return new OSImage(
        name,
        new OSImageSpec(
            OS_NAME,
            new ImageSource(repository.url(), OsRepository.REF, commit),
            new Verification(
                VerificationMode.Ed25519,
                List.of(KeyReference.configMap(SYSTEM_NAMESPACE, KEYS_CONFIG_MAP, "ed25519.pub"))),
            new LabelSelectorBuilder().addToMatchLabels(POOL_LABEL, "demo").build(),
            new Rollout(waves, null, new IntOrString(maxUnavailable), true, null),
            null,
            new HealthSpec("3m", "0s"),
            null,
            null,
            null,
            null,
            null));
  }

  public static String nodeName(int i) {
    return String.format("node-%02d", i);
  }

  public static String shortId(String commit) {
    return commit == null ? "-" : commit.substring(0, Math.min(10, commit.length()));
  }

  public KubernetesClient client() {
    return plane.client();
  }

  public ControlPlane plane() {
    return plane;
  }

  public OsRepository repository() {
    return repository;
  }

  public List<SimulatedNode> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * One simulated boot.
   *
   * @param cordoned whether the Node was unschedulable when the machine went down (a node must
   *     never reboot while pods can be scheduled onto it)
   */
  public record Boot(String node, String commit, boolean cordoned) {}

  /** Every simulated boot since start, in order (not counting the install). */
  public List<Boot> boots() {
    synchronized (boots) {
      return List.copyOf(boots);
    }
  }

  private boolean cordoned(String node) {
    try {
      var n = plane.client().nodes().withName(node).get();
      // A deleted Node takes no pods either: its machine may reboot.
      return n == null || Boolean.TRUE.equals(n.getSpec().getUnschedulable());
    } catch (RuntimeException e) {
      return true; // the API server cannot say; not counted against the rollout
    }
  }

  /** "node commit" per simulated boot since start (not counting the install). */
  public List<String> bootLog() {
    return List.copyOf(bootLog);
  }

  @Override
  public void close() {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        options.log().accept("while stopping: " + e);
      }
    }
    toClose.clear();
    deleteTree(options.workDir());
  }

  /** Deletes the scratch tree; deployment roots may carry the immutable flag, cleared first. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        if (p.getParent() != null
            && p.getParent().getFileName() != null
            && p.getParent().getFileName().toString().equals("deploy")
            && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          clearImmutable(p);
        }
      }
      try (Stream<Path> again = Files.walk(dir)) {
        for (Path p : again.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private static void clearImmutable(Path dir) {
    // The sysroot's own file-system port (an ioctl, not chattr); false where the flag cannot be
    // set, so it was not set either.
    new LocalSysrootFs().setImmutable(dir, false);
  }
}
