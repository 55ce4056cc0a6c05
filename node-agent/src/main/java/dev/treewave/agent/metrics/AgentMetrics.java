package dev.treewave.agent.metrics;

import dev.treewave.agent.state.AgentState;
import dev.treewave.agent.state.AgentTelemetry;
import dev.treewave.agent.state.FailureReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's Prometheus metrics: its state (one {@code treewave_agent_state} series per state
 * name, 1 for the current one), pull bytes and duration, stage duration, reboot requests and
 * failures by reason, plus JVM memory (to watch the agent's footprint).
 */
public final class AgentMetrics implements AgentTelemetry {

  /** Every name {@link AgentState#name()} can return. */
  static final List<String> STATE_NAMES =
      List.of(
          "Idle",
          "Unmanaged",
          "Pulling",
          "Verifying",
          "Staging",
          "Staged",
          "Activating",
          "RollingBack",
          "Rebooting",
          "Booted",
          "Failed",
          "BootFailed");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<String> state = new AtomicReference<>("Idle");
  private final Counter pullBytes;
  private final Timer pullDuration;
  private final Timer stageDuration;
  private final Counter reboots;

  public AgentMetrics(String nodeName) {
    registry.config().commonTags("node", nodeName);
    for (String name : STATE_NAMES) {
      Gauge.builder("treewave.agent.state", state, s -> name.equals(s.get()) ? 1 : 0)
          .description("1 for the agent's current state")
          .tag("state", name)
          .register(registry);
    }
    pullBytes =
        Counter.builder("treewave.agent.pull.bytes")
            .description("Bytes downloaded by pulls")
            .baseUnit("bytes")
            .register(registry);
    pullDuration =
        Timer.builder("treewave.agent.pull.duration")
            .description("Time spent pulling commits")
            .register(registry);
    stageDuration =
        Timer.builder("treewave.agent.stage.duration")
            .description("Time spent staging deployments")
            .register(registry);
    reboots =
        Counter.builder("treewave.agent.reboots")
            .description("Reboots the agent requested")
            .register(registry);
    for (FailureReason reason : FailureReason.values()) {
      failureCounter(reason); // present from the start, so rates work from zero
    }
    new JvmMemoryMetrics().bindTo(registry);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void stateChanged(AgentState newState) {
    state.set(newState.name());
  }

  @Override
  public void pullFinished(long bytes, Duration duration) {
    pullBytes.increment(bytes);
    pullDuration.record(duration);
  }

  @Override
  public void stageFinished(Duration duration) {
    stageDuration.record(duration);
  }

  @Override
  public void rebootRequested() {
    reboots.increment();
  }

  @Override
  public void failed(FailureReason reason) {
    failureCounter(reason).increment();
  }

  private Counter failureCounter(FailureReason reason) {
    return Counter.builder("treewave.agent.failures")
        .description("Instructions that failed, by reason")
        .tag("reason", reason.reason())
        .register(registry);
  }
}
