package dev.treewave.operator.bench;

import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.Pause;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.api.v1alpha1.WaveStatus;
import dev.treewave.operator.kube.Annotations;
import dev.treewave.operator.plan.RolloutPolicy;
import dev.treewave.operator.plan.WaveRule;
import dev.treewave.operator.rollout.FakeAgents;
import dev.treewave.operator.spec.GoDuration;
import dev.treewave.operator.spec.PolicyMapper;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.ControlPlaneOptions;
import dev.treewave.testing.kube.KwokNodes;
import dev.treewave.testing.kube.TreewavePlane;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator at scale (a command, not a test): a real control plane (etcd, kube-apiserver, kwok),
 * N kwok Nodes, simulated agents whose reboot takes a fixed time, and the real operator in its own
 * JVM under its own ServiceAccount. Rolls one OSImage out to every node and prints the wall time
 * against the theoretical minimum for the same waves, the operator's API requests as the API
 * server's audit log records them, and the operator's heap and RSS.
 *
 * <p>Run it with {@code operator/bench/run.sh [options]}.
 */
@Command(name = "scale-benchmark", mixinStandardHelpOptions = true)
public final class ScaleBenchmark implements Callable<Integer> {
  static final String TARGET = "f".repeat(64);
  static final String OPERATOR_USER = "system:serviceaccount:treewave-system:treewave-operator";

  @Option(names = "--nodes", defaultValue = "1000")
  int nodes;

  @Option(names = "--reboot", defaultValue = "5s", description = "simulated reboot time")
  String reboot;

  @Option(names = "--stage", defaultValue = "0s", description = "simulated pull + stage time")
  String stage;

  @Option(names = "--stable", defaultValue = "0s", description = "health.stablePeriod")
  String stable;

  @Option(names = "--canary", defaultValue = "1%")
  String canary;

  @Option(names = "--pause-after-canary", defaultValue = "10s")
  String pauseAfterCanary;

  @Option(names = "--max-unavailable", defaultValue = "10%")
  String maxUnavailable;

  @Option(
      names = "--operator-classpath",
      required = true,
      description = "the operator's runtime class path")
  String operatorClasspath;

  @Option(
      names = "--operator-jvm-flags",
      defaultValue =
          "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx128m -XX:+ExitOnOutOfMemoryError",
      description = "default: the chart's flags, MaxRAMPercentage=25 of its 512Mi limit as -Xmx")
  String operatorJvmFlags;

  @Option(
      names = "--workloads",
      defaultValue = "10%",
      description =
          "Deployments under a PodDisruptionBudget (maxUnavailable 1), as a count or a share of the"
              + " node count; 0 for empty nodes (and no scheduler or controller manager)")
  String workloads;

  @Option(names = "--replicas", defaultValue = "3", description = "pods per Deployment")
  int replicas;

  @Option(names = "--timeout", defaultValue = "15m")
  String timeout;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScaleBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path work = Files.createTempDirectory(workRoot(), "scale-");
    Path policy = work.resolve("audit-policy.yaml");
    Path audit = work.resolve("audit.log");
    Files.writeString(policy, AuditCount.policy(OPERATOR_USER));
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    say(
        "load average at start: "
            + load
            + "; cores: "
            + Runtime.getRuntime().availableProcessors());
    ControlPlaneOptions options =
        ControlPlaneOptions.apiServerOnly()
            .withKwok(true)
            .withControllerManager(workloadCount() > 0)
            .withScheduler(workloadCount() > 0)
            .withName("ScaleBenchmark")
            .withLogRoot(work.resolve("logs"))
            .withExtraApiServerFlags(
                "--audit-policy-file=" + policy,
                "--audit-log-path=" + audit,
                "--audit-log-format=json",
                "--audit-log-maxsize=0");
    try (ControlPlane plane = ControlPlane.start(options)) {
      KubernetesClient admin = plane.client();
      say("control plane up in " + plane.startupTime().toMillis() + " ms; logs " + plane.logDir());
      TreewavePlane.installCrds(plane);
      Path kubeconfig = operatorIdentity(plane);
      long t = System.nanoTime();
      createNodes(plane, nodes);
      say(nodes + " kwok nodes Ready in " + secondsSince(t) + " s");
      if (workloadCount() > 0) {
        t = System.nanoTime();
        BenchWorkloads.createAndAwait(admin, workloadCount(), replicas);
        say(
            workloadCount()
                + " Deployments x "
                + replicas
                + " pods under PDBs available in "
                + secondsSince(t)
                + " s");
      }

      try (FakeAgents agents = new FakeAgents(admin);
          OperatorProcess operator =
              OperatorProcess.start(
                  operatorClasspath,
                  Arrays.asList(operatorJvmFlags.trim().split("\\s+")),
                  kubeconfig,
                  freePort(),
                  work.resolve("operator.log"))) {
        agents.start(duration(stage), duration(reboot));
        operator.awaitReady(Duration.ofMinutes(3));
        operator.sampleHeap();
        double cpuBefore = operator.cpuSeconds();
        OSImage image = image();
        var watchBefore = WatchTraffic.counts(WatchTraffic.metrics(admin));
        long began = System.nanoTime();
        admin.resource(image).create();
        OSImage done = awaitCompleted(admin, duration(timeout));
        double wall = secondsSince(began);
        double cpu = operator.cpuSeconds() - cpuBefore;
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        long peakHeap = operator.peakHeapKb();
        long[] rss = operator.rssKb();
        long liveHeap = operator.liveHeapKb();
        AuditCount.Result requests = AuditCount.read(audit);
        String metricsAfter = WatchTraffic.metrics(admin);
        String watched = WatchTraffic.since(watchBefore, WatchTraffic.counts(metricsAfter));
        double passes = operator.metric("treewave_plan_passes_total");
        Minimum min = minimum(done);

        say("");
        say("config: " + describe());
        say("operator JVM flags: " + operatorJvmFlags);
        say("waves: " + min.waves());
        say(
            String.format(
                "rollout wall time:   %.1f s (OSImage created -> phase Completed)", wall));
        say(String.format("theoretical minimum: %.1f s (%s)", min.seconds(), min.formula()));
        say(String.format("overhead ratio:      %.2fx", wall / min.seconds()));
        say(
            String.format(
                "API requests by the operator: %d total, %.2f per node (start-up included)",
                requests.total(), requests.total() / (double) nodes));
        say("  by verb and resource: " + requests.top(40));
        say("  lists and watches: " + requests.verbs("list", "watch"));
        say(String.format("planning passes: %.0f (%.1f per second)", passes, passes / wall));
        // Each status write sends the OSImage and brings it back twice (response, watch event).
        say(
            String.format(
                "OSImage at the end: %.1f KiB as JSON, of it status %.1f KiB",
                jsonSize(done) / 1024.0, jsonSize(done.getStatus()) / 1024.0));
        say("open watches (all clients): " + WatchTraffic.openWatches(metricsAfter));
        say("watch events sent to all watchers (API server metrics): " + watched);
        say(
            String.format(
                "operator heap: peak used %.1f MiB (jstat, 1 s samples), live set %.1f MiB (class"
                    + " histogram after a full GC)",
                peakHeap / 1024.0, liveHeap / 1024.0));
        say(
            String.format(
                "operator RSS: peak %.1f MiB, at the end %.1f MiB; CPU during the rollout %.1f s",
                rss[0] / 1024.0, rss[1] / 1024.0, cpu));
        if (workloadCount() > 0) {
          say(
              "pods: "
                  + BenchWorkloads.pods(admin)
                  + " at the end; the operator's evictions: "
                  + requests.count("create", "pods/eviction")
                  + " (refused ones included)");
        }
        say(
            "agents: "
                + agents.rebootCount()
                + " reboots, "
                + agents.retries()
                + " status retries");
        say("load average: start " + load + ", end " + loadAfter);
        say(
            String.format(
                "| %d | %s | %.1f s | %.1f s | %.2fx | %d | %.2f | %.0f MiB | %.0f MiB | %.0f MiB |"
                    + " %s |",
                nodes,
                describe(),
                wall,
                min.seconds(),
                wall / min.seconds(),
                requests.total(),
                requests.total() / (double) nodes,
                peakHeap / 1024.0,
                liveHeap / 1024.0,
                rss[0] / 1024.0,
                load.split(" ")[0] + " -> " + loadAfter.split(" ")[0]));
      }
      return 0;
    } finally {
      // Megabytes of audit records; the component and operator logs stay for diagnosis.
      Files.deleteIfExists(audit);
      say("logs: " + work);
    }
  }

  private static Path workRoot() throws java.io.IOException {
    Path target = Path.of("operator", "target");
    Path root = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
    return Files.createDirectories(root.resolve("scale-bench").toAbsolutePath());
  }

  private String describe() {
    return String.format(
        "canary %s, pause %s, then maxUnavailable %s; reboot %s, stage %s, stablePeriod %s,"
            + " prefetch on, %s",
        canary,
        pauseAfterCanary,
        maxUnavailable,
        reboot,
        stage,
        stable,
        workloadCount() > 0
            ? workloadCount()
                + " Deployments x "
                + replicas
                + " pods under PDBs (one disruption at a time)"
            : "no pods");
  }

  private int workloadCount() {
    String w = workloads.trim();
    if (w.endsWith("%")) {
      return (int) Math.round(nodes * Double.parseDouble(w.substring(0, w.length() - 1)) / 100.0);
    }
    return Integer.parseInt(w);
  }

  private OSImage image() {
    Wave first = Wave.of(canary);
    if (!duration(pauseAfterCanary).isZero()) {
      first = first.withPause(Pause.of(pauseAfterCanary));
    }
    Rollout rollout = new Rollout(null, first, new IntOrString(maxUnavailable), true, null);
    return new OSImage(
        "bench",
        new OSImageSpec(
            "fedora",
            new ImageSource("https://repo.example.com/ostree", "fedora/41/x86_64", TARGET),
            new Verification(VerificationMode.Disabled, null),
            new LabelSelectorBuilder().addToMatchLabels("pool", "bench").build(),
            rollout,
            null,
            new HealthSpec("15m", stable),
            null,
            null,
            null,
            null,
            null));
  }

  /**
   * The theoretical minimum for the same waves: staging once (in parallel everywhere, with
   * prefetch), then per wave ceil(size / nodes at once) rounds of one reboot, plus the timed pauses
   * between waves. A round is max(reboot, stablePeriod), not the sum: kwok keeps the Node Ready
   * through the simulated reboot, so the health gate's stable period runs from the activation.
   */
  record Minimum(double seconds, String formula, String waves) {}

  private Minimum minimum(OSImage done) {
    RolloutPolicy policy = PolicyMapper.toPolicy(done);
    int total = done.getStatus().nodes().total();
    double round = Math.max(duration(reboot).toMillis(), duration(stable).toMillis()) / 1000.0;
    double seconds = duration(stage).toMillis() / 1000.0;
    int rounds = 0;
    double pauses = 0;
    List<String> waves = new ArrayList<>();
    List<WaveStatus> statuses = done.getStatus().wavesOrEmpty();
    for (int w = 0; w < statuses.size(); w++) {
      int size = statuses.get(w).nodesOrEmpty().size();
      WaveRule rule = w < policy.waves().size() ? policy.waves().get(w) : null;
      int atOnce = policy.maxUnavailable().ofRoundedDownAtLeastOne(total);
      if (rule != null && rule.maxUnavailable() != null) {
        atOnce = Math.min(atOnce, rule.maxUnavailable().ofRoundedDownAtLeastOne(size));
      }
      int r = (size + atOnce - 1) / atOnce;
      rounds += r;
      waves.add(size + " nodes, " + atOnce + " at once");
      boolean last = w == statuses.size() - 1;
      if (!last && rule != null && rule.pauseAfter() != null && !rule.pauseAfter().untilResumed()) {
        pauses += rule.pauseAfter().duration().toMillis() / 1000.0;
      }
    }
    seconds += rounds * round + pauses;
    String formula =
        String.format(
            "stage %s + %d rounds x max(reboot %s, stable %s) + pauses %.0f s",
            stage, rounds, reboot, stable, pauses);
    return new Minimum(seconds, formula, String.join("; ", waves));
  }

  private static OSImage awaitCompleted(KubernetesClient admin, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    OSImagePhase last = null;
    while (System.nanoTime() < deadline) {
      OSImage image = admin.resources(OSImage.class).withName("bench").get();
      OSImagePhase phase = image.getStatus() != null ? image.getStatus().phase() : null;
      if (phase != last) {
        say(
            "  phase "
                + phase
                + (image.getStatus() != null ? " " + image.getStatus().nodes() : ""));
        last = phase;
      }
      if (phase == OSImagePhase.Completed) {
        return image;
      }
      if (phase == OSImagePhase.Failed) {
        throw new IllegalStateException("rollout failed: " + image.getStatus());
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("rollout not completed within " + timeout);
  }

  /** A ServiceAccount bound to cluster-admin: the audit policy selects its requests. */
  private static Path operatorIdentity(ControlPlane plane) {
    KubernetesClient admin = plane.client();
    plane.createNamespace("treewave-system");
    admin
        .serviceAccounts()
        .inNamespace("treewave-system")
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("treewave-operator")
                .endMetadata()
                .build())
        .create();
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("treewave-operator-bench")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("treewave-operator")
                .withNamespace("treewave-system")
                .endSubject()
                .build())
        .create();
    return plane.writeServiceAccountKubeconfig("treewave-system", "treewave-operator", null);
  }

  private static int jsonSize(Object o) {
    return Serialization.asJson(o).getBytes(StandardCharsets.UTF_8).length;
  }

  /** Creates the Nodes 8 at a time, in three zones, then waits until kwok reports all Ready. */
  private static void createNodes(ControlPlane plane, int count) throws Exception {
    KwokNodes kwok = plane.kwokNodes();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = String.format("node-%04d", i);
        String zone = "zone-" + (char) ('a' + i % 3);
        created.add(
            pool.submit(
                () -> kwok.create(name, Map.of("pool", "bench", Annotations.ZONE_LABEL, zone))));
      }
      for (Future<?> f : created) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (true) {
      long ready =
          plane.client().nodes().withLabel("pool", "bench").list().getItems().stream()
              .filter(KwokNodes::isReady)
              .count();
      if (ready == count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(ready + " of " + count + " nodes Ready after 5 min");
      }
      Thread.sleep(1000);
    }
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Duration duration(String text) {
    return GoDuration.parse("benchmark option", text);
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
