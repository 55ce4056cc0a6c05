package dev.treewave.agent;

import dev.treewave.agent.config.AgentConfig;
import dev.treewave.agent.host.HostOs;
import dev.treewave.agent.host.Rebooter;
import dev.treewave.agent.http.HealthServer;
import dev.treewave.agent.kube.InstructionReader;
import dev.treewave.agent.kube.KubeKeySource;
import dev.treewave.agent.kube.OsNodeStatusReporter;
import dev.treewave.agent.kube.OsNodeWatch;
import dev.treewave.agent.metrics.AgentMetrics;
import dev.treewave.agent.state.FileJournalStore;
import dev.treewave.agent.state.NodeAgent;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Clock;

/**
 * One running agent: the watch on its OSNode, the loop around {@link NodeAgent}, the status
 * reporter and the health/metrics server, wired from an {@link AgentConfig} and a host.
 */
public final class AgentRuntime implements AutoCloseable {

  private final OsNodeStatusReporter reporter;
  private final AgentLoop loop;
  private final OsNodeWatch watch;
  private final HealthServer http;
  private final AgentMetrics metrics;

  private AgentRuntime(
      KubernetesClient client, AgentConfig config, HostOs host, Rebooter rebooter, Clock clock)
      throws IOException {
    metrics = new AgentMetrics(config.nodeName());
    OsNodeWatch[] watchHolder = new OsNodeWatch[1];
    reporter =
        new OsNodeStatusReporter(
            client,
            config.nodeName(),
            () -> watchHolder[0] != null ? watchHolder[0].current() : null,
            clock,
            config.heartbeatInterval());
    NodeAgent agent =
        new NodeAgent(
            host,
            rebooter,
            new FileJournalStore(config.journalFile()),
            reporter,
            metrics,
            config.settings(),
            clock);
    loop =
        new AgentLoop(
            agent,
            () -> watchHolder[0].current(),
            () -> watchHolder[0] != null && watchHolder[0].synced(),
            new InstructionReader(new KubeKeySource(client)),
            reporter::observedGeneration,
            config.resyncInterval());
    http =
        new HealthServer(
            config.httpAddress(), config.httpPort(), this::live, this::ready, metrics::scrape);
    try {
      watch = new OsNodeWatch(client, config.nodeName(), config.resyncInterval(), loop::trigger);
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
    watchHolder[0] = watch;
    loop.trigger();
  }

  /** Starts an agent; close it to stop. */
  public static AgentRuntime start(
      KubernetesClient client, AgentConfig config, HostOs host, Rebooter rebooter, Clock clock)
      throws IOException {
    return new AgentRuntime(client, config, host, rebooter, clock);
  }

  /** The loop runs. */
  public boolean live() {
    return loop.live();
  }

  /**
   * The OSNode watch has its first list, and either a status report has reached the API server or
   * there is no OSNode for this node (a node the operator does not target has nothing to report,
   * and must not hold up a DaemonSet rollout).
   */
  public boolean ready() {
    return watch != null
        && watch.synced()
        && (watch.current() == null || reporter.lastSuccess() != null);
  }

  /** The bound port of /healthz, /readyz and /metrics. */
  public int httpPort() {
    return http.port();
  }

  public AgentMetrics metrics() {
    return metrics;
  }

  /** Asks for a pass now (tests; the watch does this on spec changes). */
  public void trigger() {
    loop.trigger();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      loop.close();
    } finally {
      watch.close();
      http.close();
    }
  }
}
