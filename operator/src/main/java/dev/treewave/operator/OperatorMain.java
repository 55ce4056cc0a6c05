package dev.treewave.operator;

import dev.treewave.api.v1alpha1.Durations;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.operator.kube.HttpCommitResolver;
import dev.treewave.operator.kube.KubeKeys;
import dev.treewave.operator.preview.PlanPreview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code treewave-operator run} runs the operator; {@code plan} previews a rollout. */
@Command(
    name = "treewave-operator",
    mixinStandardHelpOptions = true,
    subcommands = {OperatorMain.Run.class, OperatorMain.Plan.class})
public final class OperatorMain {

  /** The JDK property that sizes the common fork-join pool. */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    atLeastTwoCommonPoolThreads();
    System.exit(commandLine().execute(args));
  }

  /**
   * With one or two CPUs (a small operator pod) the common pool's parallelism is 1, and then every
   * {@code CompletableFuture} {@code *Async} step without an executor, which the Kubernetes
   * client's JDK transport uses per request, starts a new thread: 9,224 threads in one 1000-node
   * rollout (JFR, operator/bench). A pool of two reuses its threads. Must run before anything
   * touches the pool; an operator's own setting of the property wins.
   */
  static void atLeastTwoCommonPoolThreads() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null
        && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  static CommandLine commandLine() {
    return new CommandLine(new OperatorMain());
  }

  @Command(name = "run", description = "Run the operator (leader-elected).")
  static final class Run implements Callable<Integer> {
    @Option(
        names = "--metrics-bind",
        defaultValue = "${env:TREEWAVE_METRICS_BIND:-0.0.0.0:8080}",
        description = "host:port for /metrics, /healthz, /readyz (default ${DEFAULT-VALUE})")
    String metricsBind;

    @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE:-treewave-system}")
    String leaseNamespace;

    @Option(names = "--lease-name", defaultValue = "treewave-operator")
    String leaseName;

    @Option(names = "--node-name", defaultValue = "${env:NODE_NAME:-}")
    String nodeName;

    @Option(names = "--no-leader-election", description = "Only for a single replica.")
    boolean noLeaderElection;

    @Option(
        names = "--lease-duration",
        defaultValue = "PT15S",
        description =
            "How long a standby waits for the leader's renewal (ISO-8601, ${DEFAULT-VALUE})")
    Duration leaseDuration;

    @Option(
        names = "--renew-deadline",
        defaultValue = "PT10S",
        description = "The leader steps down if it cannot renew within this (${DEFAULT-VALUE})")
    Duration renewDeadline;

    @Option(
        names = "--retry-period",
        defaultValue = "PT2S",
        description = "How often the Lease is tried (${DEFAULT-VALUE})")
    Duration retryPeriod;

    @Option(
        names = "--allow-force-delete",
        description =
            "Delete the pods left when a drain times out under onTimeout: Force. Off by default:"
                + " the chart grants pod deletes only with operator.drain.allowForceDelete=true.")
    boolean allowForceDelete;

    @Option(
        names = "--ref-poll-interval",
        defaultValue = "${env:TREEWAVE_REF_POLL_INTERVAL:-1m}",
        converter = GoDurationConverter.class,
        description =
            "How often an OSImage at rest that follows a ref (no spec.source.commit) reads the"
                + " repository's summary again to notice a new commit, e.g. 30s, 5m"
                + " (default ${DEFAULT-VALUE})")
    Duration refPollInterval;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      OperatorRuntime.LeaseTimings lease;
      try {
        lease = new OperatorRuntime.LeaseTimings(leaseDuration, renewDeadline, retryPeriod);
      } catch (IllegalArgumentException e) {
        // a usage error: one line and the usage, not a stack trace
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      KubernetesClient client = new KubernetesClientBuilder().build();
      String identity = System.getenv().getOrDefault("POD_NAME", "treewave-" + UUID.randomUUID());
      OperatorRuntime.Settings settings =
          new OperatorRuntime.Settings(
              leaseName,
              noLeaderElection ? null : leaseNamespace,
              identity,
              nodeName.isBlank() ? null : nodeName,
              // OSImages are cluster-scoped; the API server only accepts Events about
              // cluster-scoped objects in "default".
              "default",
              address(metricsBind),
              true,
              lease,
              allowForceDelete,
              refPollInterval);
      CountDownLatch stop = new CountDownLatch(1);
      try (OperatorRuntime runtime = OperatorRuntime.start(client, settings)) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
      return 0;
    }
  }

  /** 30s, 5m, 1h30m: the grammar of OSImage specs, so one value reads the same everywhere. */
  static final class GoDurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      Duration d;
      try {
        d = Durations.parse(text);
      } catch (IllegalArgumentException e) {
        d = null;
      }
      if (d == null || d.isZero() || d.isNegative()) {
        throw new CommandLine.TypeConversionException(
            "must be a positive duration like 30s, 5m or 1h30m, got '" + text + "'");
      }
      return d;
    }
  }

  @Command(
      name = "plan",
      description =
          "Show which nodes would go in which wave, in which order, and what would happen next."
              + " Reads the cluster; changes nothing.")
  static final class Plan implements Callable<Integer> {
    @Parameters(arity = "0..1", description = "OSImage name in the cluster")
    String name;

    @Option(
        names = {"-f", "--file"},
        description = "OSImage YAML instead of a name")
    String file;

    @Option(names = "--commit", description = "Target commit, instead of resolving the ref")
    String commit;

    @Option(names = "--node-name", description = "Node the operator's leader runs on")
    String leaderNode;

    @Override
    public Integer call() throws Exception {
      try (KubernetesClient client = new KubernetesClientBuilder().build()) {
        OSImage image = load(client);
        String target =
            commit != null
                ? commit
                : new HttpCommitResolver(new KubeKeys(client))
                    .resolve(image.getSpec().source(), image.getSpec().verification())
                    .commit();
        System.out.print(PlanPreview.render(client, image, target, leaderNode));
        return 0;
      }
    }

    private OSImage load(KubernetesClient client) throws Exception {
      if (file != null) {
        try (InputStream in = new FileInputStream(file)) {
          return Serialization.unmarshal(in, OSImage.class);
        }
      }
      if (name == null) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "give an OSImage name or -f FILE");
      }
      OSImage image = client.resources(OSImage.class).withName(name).get();
      if (image == null) {
        throw new IllegalArgumentException("no OSImage named " + name);
      }
      return image;
    }
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected host:port, got " + hostPort);
    }
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private OperatorMain() {}
}
