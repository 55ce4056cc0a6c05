package dev.treewave.operator.metrics;

import dev.treewave.operator.plan.NodeState;
import dev.treewave.operator.plan.NodeStep;
import dev.treewave.operator.plan.RolloutPlan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an SRE graphs and alerts on: nodes per state and the current wave for each OSImage, and
 * counters for cordons, failures, drain timeouts, rollbacks and planning passes, plus how long
 * nodes stay out of service.
 */
public final class RolloutMetrics {
  private final MeterRegistry registry;
  private final Map<String, Map<NodeState, AtomicInteger>> nodes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> waves = new ConcurrentHashMap<>();

  public RolloutMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String image, RolloutPlan plan) {
    // How often the planner ran: what the operator's CPU grows with (operator/bench).
    Counter.builder("treewave_plan_passes_total")
        .description("Reconciles that planned the rollout")
        .tag("osimage", image)
        .register(registry)
        .increment();
    Map<NodeState, AtomicInteger> gauges = nodes.computeIfAbsent(image, i -> registerStates(i));
    Map<NodeState, Integer> counts = new EnumMap<>(NodeState.class);
    plan.nodeStates().values().forEach(s -> counts.merge(s, 1, Integer::sum));
    gauges.forEach((state, gauge) -> gauge.set(counts.getOrDefault(state, 0)));
    waves
        .computeIfAbsent(
            image,
            i -> {
              AtomicInteger wave = new AtomicInteger();
              Gauge.builder("treewave_rollout_current_wave", wave, AtomicInteger::get)
                  .description("Index of the wave in progress")
                  .tag("osimage", i)
                  .register(registry);
              return wave;
            })
        .set(plan.currentWave());
    for (NodeStep step : plan.steps()) {
      count(image, step);
    }
    plan.newFailures()
        .forEach(
            f ->
                Counter.builder("treewave_node_failures_total")
                    .description("Nodes that failed to stage, boot or pass the health gate")
                    .tags("osimage", image, "reason", f.reason())
                    .register(registry)
                    .increment());
  }

  private void count(String image, NodeStep step) {
    String name = null;
    if (step instanceof NodeStep.Cordon) {
      name = "treewave_node_disruptions_total";
    } else if (step instanceof NodeStep.Rollback) {
      name = "treewave_rollbacks_total";
    } else if (step instanceof NodeStep.Release r
        && r.outcome() != null
        && r.outcome().kind() == dev.treewave.operator.plan.AgentView.Outcome.Kind.SKIPPED) {
      name = "treewave_drain_timeouts_total";
    }
    if (name != null) {
      Counter.builder(name).tag("osimage", image).register(registry).increment();
    }
  }

  /** Time a node was out of service: from cordon to release. */
  public void nodeReleased(String image, Duration outOfService) {
    Timer.builder("treewave_node_disruption_seconds")
        .description("From cordon to uncordon, per node")
        .tag("osimage", image)
        .register(registry)
        .record(outOfService);
  }

  public void forget(String image) {
    Map<NodeState, AtomicInteger> gauges = nodes.remove(image);
    if (gauges != null) {
      gauges.values().forEach(g -> g.set(0));
    }
  }

  private Map<NodeState, AtomicInteger> registerStates(String image) {
    Map<NodeState, AtomicInteger> gauges = new EnumMap<>(NodeState.class);
    for (NodeState state : NodeState.values()) {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder("treewave_nodes", value, AtomicInteger::get)
          .description("Targeted nodes by rollout state")
          .tags("osimage", image, "state", state.name().toLowerCase())
          .register(registry);
      gauges.put(state, value);
    }
    return gauges;
  }
}
