package dev.treewave.e2e;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.api.v1alpha1.WaveStatus;
import dev.treewave.testing.kube.KwokNodes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Watches a rollout from the outside, as an SRE with kubectl would, every 100 ms: prints what
 * changed (phase, waves, each node's agent state, cordons, pull progress) and keeps the worst
 * disruption seen: the most targeted nodes unavailable at once and the fewest ready pods of the
 * protected workload.
 */
public final class RolloutWatch implements AutoCloseable {

  private final KubernetesClient client;
  private final String image;
  private final Consumer<String> out;
  private final int workloadReplicas;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "rollout-watch");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, String> lastNodeLine = new HashMap<>();
  private final Map<String, Boolean> lastCordoned = new HashMap<>();
  private final Map<String, Integer> cordons = new HashMap<>();
  private final AtomicInteger maxUnavailable = new AtomicInteger();
  private final AtomicInteger minReadyPods = new AtomicInteger(Integer.MAX_VALUE);
  private final long started = System.nanoTime();
  private String lastPhase;
  private String lastWaves;
  private String lastBlockers = "";

  public RolloutWatch(
      KubernetesClient client, String image, int workloadReplicas, Consumer<String> out) {
    this.client = client;
    this.image = image;
    this.workloadReplicas = workloadReplicas;
    this.out = out;
    timer.scheduleWithFixedDelay(this::poll, 0, 100, TimeUnit.MILLISECONDS);
  }

  private synchronized void poll() {
    try {
      List<Node> nodes = client.nodes().withLabel(LocalCluster.POOL_LABEL).list().getItems();
      int unavailable = 0;
      for (Node n : nodes) {
        String name = n.getMetadata().getName();
        boolean cordoned = Boolean.TRUE.equals(n.getSpec().getUnschedulable());
        if (cordoned || !KwokNodes.isReady(n)) {
          unavailable++;
        }
        Boolean before = lastCordoned.put(name, cordoned);
        if (!Objects.equals(before, cordoned) && before != null) {
          emit(String.format("    %-8s %s", name, cordoned ? "cordoned, draining" : "uncordoned"));
        }
        if (cordoned && !Boolean.TRUE.equals(before)) {
          cordons.merge(name, 1, Integer::sum);
        }
      }
      maxUnavailable.accumulateAndGet(unavailable, Math::max);
      List<Pod> pods =
          client
              .pods()
              .inNamespace(LocalCluster.APPS_NAMESPACE)
              .withLabel("app", LocalCluster.WORKLOAD)
              .list()
              .getItems();
      int ready =
          (int)
              pods.stream()
                  .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                  .filter(RolloutWatch::isReady)
                  .count();
      minReadyPods.accumulateAndGet(ready, Math::min);

      OSImage osImage = client.resources(OSImage.class).withName(image).get();
      OSImageStatus status = osImage != null ? osImage.getStatus() : null;
      if (status != null) {
        String phase = String.valueOf(status.phase());
        if (!phase.equals(lastPhase)) {
          lastPhase = phase;
          emit(
              String.format(
                  "  phase %s (%s)",
                  phase,
                  status.nodes() == null
                      ? ""
                      : String.format(
                          "%d/%d updated",
                          nz(status.nodes().updated()), nz(status.nodes().total()))));
        }
        String blockers =
            status.blockers() == null
                ? ""
                : String.join(
                    "; ",
                    status.blockers().stream()
                        .map(b -> b.node() + " " + b.reason() + ": " + b.message())
                        .toList());
        if (!blockers.equals(lastBlockers)) {
          lastBlockers = blockers;
          emit(blockers.isEmpty() ? "  no blockers" : "  waiting: " + blockers);
        }
        String waves = describeWaves(status);
        if (!waves.equals(lastWaves)) {
          lastWaves = waves;
          emit("  waves: " + waves);
        }
      }
      for (OSNode node : client.resources(OSNode.class).list().getItems()) {
        String name = node.getMetadata().getName();
        String line = describeNode(node);
        if (!line.equals(lastNodeLine.put(name, line))) {
          emit(String.format("    %-8s %s", name, line));
        }
      }
    } catch (RuntimeException e) {
      // the API server may be briefly busy; the next poll looks again
    }
  }

  private static String describeWaves(OSImageStatus status) {
    if (status.waves() == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (WaveStatus w : status.waves()) {
      if (sb.length() > 0) {
        sb.append(" | ");
      }
      sb.append(w.index() == null || w.index() == 0 ? "canary" : "wave " + w.index())
          .append(' ')
          .append(w.state())
          .append(' ')
          .append(nz(w.updated()))
          .append('/')
          .append(w.nodes() == null ? 0 : w.nodes().size());
    }
    return sb.toString();
  }

  private static String describeNode(OSNode node) {
    OSNodeStatus s = node.getStatus();
    String instruction =
        node.getSpec() != null && node.getSpec().instruction() != null
            ? String.valueOf(node.getSpec().instruction().action())
            : "-";
    if (s == null) {
      return "instruction " + instruction + ", agent has not reported yet";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-20s", s.agentState()));
    if (s.pullProgress() != null) {
      sb.append(
          String.format(
              " pulled %d/%d objects",
              nz(s.pullProgress().objectsFetched()), nz(s.pullProgress().objectsTotal())));
    }
    sb.append(" instruction ").append(instruction);
    if (s.booted() != null) {
      sb.append(", booted ")
          .append(s.booted().version() != null ? "v" + s.booted().version() : "")
          .append(' ')
          .append(LocalCluster.shortId(s.booted().commit()));
    }
    if (s.retrying() != null) {
      sb.append(", retrying ")
          .append(s.retrying().reason())
          .append(" (attempt ")
          .append(s.retrying().attempt())
          .append(')');
    }
    if (s.lastError() != null) {
      sb.append(", error ")
          .append(s.lastError().reason())
          .append(": ")
          .append(s.lastError().message());
    }
    return sb.toString();
  }

  private static long nz(Number n) {
    return n == null ? 0 : n.longValue();
  }

  private static boolean isReady(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void emit(String line) {
    out.accept(String.format("[%6.1fs] %s", (System.nanoTime() - started) / 1e9, line));
  }

  /** The most targeted nodes cordoned or not Ready at one time. */
  public int maxUnavailable() {
    return maxUnavailable.get();
  }

  /** The fewest ready, non-terminating pods of the protected workload at one time. */
  public int minReadyPods() {
    return minReadyPods.get() == Integer.MAX_VALUE ? workloadReplicas : minReadyPods.get();
  }

  /** How often each node went from schedulable to cordoned. */
  public synchronized Map<String, Integer> cordonsPerNode() {
    return Map.copyOf(cordons);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
