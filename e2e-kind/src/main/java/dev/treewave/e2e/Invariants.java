package dev.treewave.e2e;

import dev.treewave.api.v1alpha1.NodeIssue;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.testing.kube.KwokNodes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * What must hold during any rollout, checked from the outside every 100 ms while a test runs, for
 * every node labelled {@link LocalCluster#POOL_LABEL}:
 *
 * <ul>
 *   <li>never more than {@code budget} nodes unavailable (cordoned by anyone, or not Ready);
 *   <li>no node boots twice while one target commit is rolled out (boot ids in OSNode status);
 *   <li>no node boots unless this operator had it cordoned just before (its annotation);
 *   <li>at the end ({@link #assertHeld}) nothing is left cordoned.
 * </ul>
 *
 * Violations are collected as they are seen and fail the test in {@link #assertHeld} or in any
 * {@code await}; the awaits also fail fast on a violation instead of waiting out their deadline.
 */
public final class Invariants implements AutoCloseable {
  private static final String CORDONED_BY = "treewave.dev/cordoned-by";

  private final KubernetesClient client;
  private final String image;
  private final int budget;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "invariants");
            t.setDaemon(true);
            return t;
          });
  private final List<String> violations = new ArrayList<>();
  private final Map<String, String> bootIds = new HashMap<>();
  private final Map<String, Boolean> cordonedByUs = new HashMap<>();
  private final Map<String, Map<String, Integer>> bootsPerTarget = new HashMap<>();
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong failedPolls = new AtomicLong();
  private volatile int maxUnavailable;
  private volatile OSImage last;

  /**
   * @param image the OSImage whose rollout is watched
   * @param budget the most nodes that may be unavailable at once (its maxUnavailable)
   */
  public Invariants(KubernetesClient client, String image, int budget) {
    // Its own client, without retries: a poll against a stopped API server fails at once and is
    // skipped, instead of blocking inside the retry backoff for as long as the outage lasts.
    this.client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(2_000)
                    .withRequestTimeout(5_000)
                    .build())
            .build();
    this.image = image;
    this.budget = budget;
    timer.scheduleWithFixedDelay(this::poll, 0, 100, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      OSImage osImage = client.resources(OSImage.class).withName(image).get();
      last = osImage;
      String target =
          osImage != null && osImage.getStatus() != null
              ? osImage.getStatus().targetCommit()
              : null;
      List<Node> nodes = client.nodes().withLabel(LocalCluster.POOL_LABEL).list().getItems();
      int unavailable = 0;
      Map<String, Boolean> cordonedNow = new HashMap<>();
      for (Node n : nodes) {
        boolean cordoned = Boolean.TRUE.equals(n.getSpec().getUnschedulable());
        if (cordoned || !KwokNodes.isReady(n)) {
          unavailable++;
        }
        Map<String, String> a = n.getMetadata().getAnnotations();
        cordonedNow.put(
            n.getMetadata().getName(), cordoned && a != null && a.containsKey(CORDONED_BY));
      }
      maxUnavailable = Math.max(maxUnavailable, unavailable);
      if (unavailable > budget) {
        violate(unavailable + " nodes unavailable at once, budget " + budget);
      }
      for (OSNode o : client.resources(OSNode.class).list().getItems()) {
        String name = o.getMetadata().getName();
        OSNodeStatus s = o.getStatus();
        String bootId = s != null && s.booted() != null ? s.booted().bootId() : null;
        if (bootId == null) {
          continue;
        }
        String before = bootIds.put(name, bootId);
        if (before != null && !before.equals(bootId)) {
          boolean wasOurs =
              Boolean.TRUE.equals(cordonedByUs.get(name))
                  || Boolean.TRUE.equals(cordonedNow.get(name));
          if (!wasOurs) {
            violate(name + " rebooted while not cordoned by the operator");
          }
          if (target != null) {
            int boots =
                bootsPerTarget
                    .computeIfAbsent(name, k -> new HashMap<>())
                    .merge(target, 1, Integer::sum);
            if (boots > 1) {
              violate(name + " rebooted " + boots + " times for target " + target);
            }
          }
        }
      }
      cordonedByUs.clear();
      cordonedByUs.putAll(cordonedNow);
      polls.incrementAndGet();
    } catch (RuntimeException e) {
      // The API server may be busy, or stopped by a test: skip this poll. Nothing seen is lost:
      // boot ids and the cordons of the last complete poll are kept, so a reboot during the gap is
      // still judged at the next complete poll, against the cordons seen before the gap.
      failedPolls.incrementAndGet();
    }
  }

  private synchronized void violate(String what) {
    if (!violations.contains(what)) {
      violations.add(what);
    }
  }

  /** Every violation seen so far. */
  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  /** Polls that read everything they need. */
  public long polls() {
    return polls.get();
  }

  /** Polls skipped because the API server could not be read (e.g. while it was down). */
  public long failedPolls() {
    return failedPolls.get();
  }

  /** The most nodes unavailable at one time so far. */
  public int maxUnavailable() {
    return maxUnavailable;
  }

  /** Fails with every violation seen so far, if any. */
  public void assertNoViolation() {
    List<String> seen = violations();
    if (!seen.isEmpty()) {
      throw new AssertionError("rollout invariants violated: " + String.join("; ", seen));
    }
  }

  /** After one more poll: no violation, and no node of the pool left cordoned. */
  public void assertHeld() {
    awaitPoll();
    assertNoViolation();
    List<String> cordoned =
        client.nodes().withLabel(LocalCluster.POOL_LABEL).list().getItems().stream()
            .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
            .map(n -> n.getMetadata().getName())
            .toList();
    if (!cordoned.isEmpty()) {
      throw new AssertionError("left cordoned at the end: " + cordoned);
    }
  }

  /**
   * Waits until the OSImage is Completed, or shows a blocker with one of {@code reasons}, within
   * {@code deadline}; fails at once on a violation.
   *
   * @return the OSImage as then seen
   */
  public OSImage awaitCompletedOrBlocker(Duration deadline, Set<String> reasons) {
    return await(
        deadline,
        "Completed or a blocker " + reasons,
        i ->
            i.getStatus() != null
                && (i.getStatus().phase() == OSImagePhase.Completed
                    || blockers(i.getStatus()).stream()
                        .anyMatch(b -> reasons.contains(b.reason()))));
  }

  /** Waits until {@code condition} holds for the OSImage; fails at once on a violation. */
  public OSImage await(Duration deadline, String what, Predicate<OSImage> condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      assertNoViolation();
      OSImage now;
      try {
        now = client.resources(OSImage.class).withName(image).get();
      } catch (KubernetesClientException apiDown) {
        now = null; // the API server may be restarted by the test: look again until the deadline
      }
      if (now != null && condition.test(now)) {
        return now;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "not reached within " + deadline + ": " + what + "; status: " + describe(now));
      }
      sleep(100);
    }
  }

  /** The blockers the status shows now. */
  public static List<NodeIssue> blockers(OSImageStatus status) {
    return status == null || status.blockers() == null ? List.of() : status.blockers();
  }

  private static String describe(OSImage i) {
    if (i == null || i.getStatus() == null) {
      return "none";
    }
    OSImageStatus s = i.getStatus();
    return "phase "
        + s.phase()
        + ", nodes "
        + s.nodes()
        + ", blockers "
        + blockers(s).stream().map(b -> b.node() + " " + b.reason()).toList()
        + ", conditions "
        + s.conditionsOrEmpty().stream()
            .filter(c -> "True".equals(c.getStatus()))
            .map(c -> c.getType() + "(" + c.getMessage() + ")")
            .toList();
  }

  private void awaitPoll() {
    long seen = polls.get();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (polls.get() < seen + 2 && System.nanoTime() < end) {
      sleep(50);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The OSImage as last polled, or null. */
  public OSImage lastSeen() {
    return last;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
  }
}
