package dev.treewave.operator;

import dev.treewave.operator.kube.Drainer;
import dev.treewave.operator.kube.EventSourceReads;
import dev.treewave.operator.kube.HttpCommitResolver;
import dev.treewave.operator.kube.KubeEvents;
import dev.treewave.operator.kube.KubeKeys;
import dev.treewave.operator.kube.KubeRolloutCluster;
import dev.treewave.operator.metrics.OpsServer;
import dev.treewave.operator.metrics.RolloutMetrics;
import dev.treewave.operator.rollout.CommitResolver;
import dev.treewave.operator.rollout.OSImageReconciler;
import dev.treewave.operator.rollout.RolloutService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Wires the operator together and runs it until closed. Used by main and by the ITs. */
public final class OperatorRuntime implements AutoCloseable {
  /** API round trips in flight at once for one reconcile's steps (cordons, instructions). */
  private static final int STEP_THREADS = 8;

  /**
   * @param leaseNamespace where the leader Lease lives; null disables leader election (tests)
   * @param nodeName the node this replica runs on, updated last; may be null
   * @param metricsBind address for /metrics, /healthz, /readyz
   * @param exitOnLostLease exit the process when leadership is lost (production: a replica that
   *     lost its lease must stop acting at once; tests stop operators in-process)
   * @param leaseTimings how long a Lease lasts and how often it is renewed
   * @param allowForceDelete the operator may delete pods when a drain times out under {@code
   *     onTimeout: Force}; only when the chart grants it (operator.drain.allowForceDelete)
   */
  public record Settings(
      String leaseName,
      String leaseNamespace,
      String identity,
      String nodeName,
      String eventNamespace,
      InetSocketAddress metricsBind,
      boolean exitOnLostLease,
      LeaseTimings leaseTimings,
      boolean allowForceDelete,
      Duration refPollInterval) {

    /** Reading a followed ref again at rest every {@link RolloutService#DEFAULT_REF_POLL}. */
    public Settings(
        String leaseName,
        String leaseNamespace,
        String identity,
        String nodeName,
        String eventNamespace,
        InetSocketAddress metricsBind,
        boolean exitOnLostLease,
        LeaseTimings leaseTimings,
        boolean allowForceDelete) {
      this(
          leaseName,
          leaseNamespace,
          identity,
          nodeName,
          eventNamespace,
          metricsBind,
          exitOnLostLease,
          leaseTimings,
          allowForceDelete,
          RolloutService.DEFAULT_REF_POLL);
    }

    /** With the default lease timings, never deleting pods. */
    public Settings(
        String leaseName,
        String leaseNamespace,
        String identity,
        String nodeName,
        String eventNamespace,
        InetSocketAddress metricsBind,
        boolean exitOnLostLease) {
      this(
          leaseName,
          leaseNamespace,
          identity,
          nodeName,
          eventNamespace,
          metricsBind,
          exitOnLostLease,
          LeaseTimings.DEFAULT,
          false);
    }
  }

  /**
   * Leader election timings: a standby takes over at most {@code duration} after the leader's last
   * renewal; the leader gives up if it cannot renew within {@code renewDeadline}; both retry every
   * {@code retryPeriod}.
   */
  public record LeaseTimings(Duration duration, Duration renewDeadline, Duration retryPeriod) {
    /** JOSDK's defaults (15 s, 10 s, 2 s). */
    public static final LeaseTimings DEFAULT =
        new LeaseTimings(
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE);

    public LeaseTimings {
      if (!(retryPeriod.compareTo(renewDeadline) < 0 && renewDeadline.compareTo(duration) < 0)) {
        throw new IllegalArgumentException(
            "lease timings need retry period < renew deadline < lease duration, got "
                + retryPeriod
                + ", "
                + renewDeadline
                + ", "
                + duration);
      }
    }
  }

  private final Operator operator;
  private final OpsServer ops;
  private final Drainer drainer;
  private final ExecutorService stepPool;
  private final KubeEvents events;

  private OperatorRuntime(
      Operator operator,
      OpsServer ops,
      Drainer drainer,
      ExecutorService stepPool,
      KubeEvents events) {
    this.stepPool = stepPool;
    this.events = events;
    this.operator = operator;
    this.ops = ops;
    this.drainer = drainer;
  }

  public static OperatorRuntime start(KubernetesClient client, Settings settings)
      throws IOException {
    return start(client, settings, new HttpCommitResolver(new KubeKeys(client)), Clock.systemUTC());
  }

  public static OperatorRuntime start(
      KubernetesClient client, Settings settings, CommitResolver resolver, Clock clock)
      throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RolloutMetrics metrics = new RolloutMetrics(registry);
    Drainer drainer = new Drainer(client, clock);
    ExecutorService stepPool = Executors.newFixedThreadPool(STEP_THREADS, daemon("treewave-step"));
    // Reconciles read Nodes, OSNodes and OSImages from the caches of the reconciler's event
    // sources (attached when it registers), not with a LIST each time.
    EventSourceReads reads = new EventSourceReads();
    KubeRolloutCluster cluster = new KubeRolloutCluster(client, drainer, reads, stepPool);
    KubeEvents events =
        new KubeEvents(client, settings.eventNamespace(), "treewave-operator", clock);
    RolloutService service =
        new RolloutService(
            cluster,
            resolver,
            events,
            metrics,
            clock,
            settings::nodeName,
            stepPool,
            settings.allowForceDelete(),
            settings.refPollInterval());
    Operator operator =
        new Operator(
            o -> {
              // Status goes out as a merge patch of a fresh object holding only name and status:
              // it never touches spec, and it behaves the same on every API server we test on.
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  // Our writes wait in the event sources' temporary caches until the watch shows
                  // that version or a later one (EventSourceReads): that takes comparing versions.
                  .withParseResourceVersions(true);
              if (settings.leaseNamespace() != null) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        settings.leaseName(),
                        settings.leaseNamespace(),
                        settings.leaseTimings().duration(),
                        settings.leaseTimings().renewDeadline(),
                        settings.leaseTimings().retryPeriod(),
                        settings.identity(),
                        null,
                        settings.exitOnLostLease()));
              }
            });
    operator.register(new OSImageReconciler(service, cluster, metrics, reads::attach));
    OpsServer ops =
        new OpsServer(
            settings.metricsBind(), registry, () -> operator.getRuntimeInfo().isStarted());
    operator.start();
    return new OperatorRuntime(operator, ops, drainer, stepPool, events);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public InetSocketAddress opsAddress() {
    return ops.address();
  }

  @Override
  public void close() {
    try {
      operator.stop();
    } finally {
      ops.close();
      drainer.close();
      stepPool.shutdownNow();
      events.close();
    }
  }
}
