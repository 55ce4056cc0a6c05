package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.NodeIssue;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.WaveStatus;
import dev.treewave.operator.metrics.RolloutMetrics;
import dev.treewave.operator.plan.DrainPreCheck;
import dev.treewave.operator.plan.FrozenWave;
import dev.treewave.operator.plan.NodeStep;
import dev.treewave.operator.plan.NodeView;
import dev.treewave.operator.plan.RolloutPlan;
import dev.treewave.operator.plan.RolloutPolicy;
import dev.treewave.operator.plan.RolloutSnapshot;
import dev.treewave.operator.spec.InvalidSpecException;
import dev.treewave.operator.spec.PolicyMapper;
import dev.treewave.operator.status.StatusAggregator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One reconcile of one OSImage, in plain Java over ports: read the cluster, plan, check PDBs for
 * the nodes the plan wants to cordon, act, and say what happened (status, Events, metrics).
 */
public final class RolloutService {
  /** How often to look again while nodes are in flight (drains and pods are not watched). */
  static final Duration IN_FLIGHT_POLL = Duration.ofSeconds(5);

  /** How often to look again at rest when the spec pins a commit: only a safety net. */
  static final Duration IDLE_POLL = Duration.ofMinutes(5);

  /**
   * How often a rollout at rest reads a followed ref again, by default. A moved ref changes nothing
   * in the cluster, so no event wakes the reconciler: this poll is how a new commit is noticed.
   */
  public static final Duration DEFAULT_REF_POLL = Duration.ofMinutes(1);

  private final RolloutCluster cluster;
  private final CommitResolver resolver;
  private final EventSink events;
  private final RolloutMetrics metrics;
  private final Clock clock;
  private final Supplier<String> leaderNode;
  private final ExecutorService stepPool;
  private final boolean forceDeleteAllowed;
  private final Duration refPoll;

  /**
   * The status to write and when to look again: at once after a pass that changed a Node or OSNode,
   * since the informers do not wake us for our own writes (we hand them to the caches ourselves),
   * and the next step is often due right away (cordoned, so drain).
   */
  public record Result(OSImageStatus status, Duration recheckAfter) {}

  /** Pods never deleted, steps one after another, a followed ref read every minute at rest. */
  public RolloutService(
      RolloutCluster cluster,
      CommitResolver resolver,
      EventSink events,
      RolloutMetrics metrics,
      Clock clock,
      Supplier<String> leaderNode) {
    this(cluster, resolver, events, metrics, clock, leaderNode, null, false, DEFAULT_REF_POLL);
  }

  /**
   * @param stepPool carries out the steps of different nodes side by side (a wave of 100 nodes is
   *     100 cordons, each a round trip to the API server); null applies them one after another
   * @param forceDeleteAllowed the operator was granted pod deletes (chart value
   *     operator.drain.allowForceDelete), so {@code drain.onTimeout: Force} may delete
   * @param refPoll how often a rollout at rest reads an unpinned ref again (operator flag
   *     --ref-poll-interval)
   */
  public RolloutService(
      RolloutCluster cluster,
      CommitResolver resolver,
      EventSink events,
      RolloutMetrics metrics,
      Clock clock,
      Supplier<String> leaderNode,
      ExecutorService stepPool,
      boolean forceDeleteAllowed,
      Duration refPoll) {
    if (refPoll.isNegative() || refPoll.isZero()) {
      throw new IllegalArgumentException("ref poll interval must be positive, got " + refPoll);
    }
    this.refPoll = refPoll;
    this.forceDeleteAllowed = forceDeleteAllowed;
    this.stepPool = stepPool;
    this.cluster = cluster;
    this.resolver = resolver;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.leaderNode = leaderNode;
  }

  /** The status to write when a reconcile threw: one line a person can act on. */
  public OSImageStatus failedStatus(OSImage image, Exception e) {
    return StatusAggregator.reconcileFailed(image, oneLine(e), clock.instant());
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    int newline = m.indexOf('\n');
    if (newline >= 0) {
      m = m.substring(0, newline);
    }
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  public Result reconcile(OSImage image) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    RolloutPolicy policy;
    try {
      policy = PolicyMapper.toPolicy(image).withForceDeleteAllowed(forceDeleteAllowed);
    } catch (InvalidSpecException e) {
      events.warning(image, "InvalidSpec", e.getMessage());
      return new Result(StatusAggregator.invalidSpec(image, e.getMessage(), now), IDLE_POLL);
    }
    String target;
    String refused;
    try {
      TargetGuard.Decision decision = target(image);
      target = decision.target();
      refused = decision.refused();
    } catch (Exception e) {
      String message = "cannot resolve " + image.getSpec().source().ref() + ": " + e.getMessage();
      events.warning(image, "TargetUnresolved", message);
      return new Result(StatusAggregator.unresolved(image, message, now), Duration.ofSeconds(30));
    }
    if (retargetedMidRollout(image.getStatus(), target)) {
      events.normal(
          image,
          "Retargeted",
          "target changed from "
              + image.getStatus().targetCommit()
              + " to "
              + target
              + " mid-rollout: waves kept, nodes in flight finish their step first");
    }
    RolloutCluster.Selection owned = cluster.select(image);
    boolean changed = cluster.ensureOSNodes(image, target, owned);
    RolloutCluster.ClusterRead read = cluster.read(image, target, owned);
    RolloutSnapshot snapshot =
        new RolloutSnapshot(
            now,
            target,
            policy,
            read.nodes(),
            frozenWaves(image.getStatus(), target),
            leaderNode.get(),
            previousBlockers(image.getStatus(), target));
    RolloutPlan plan = DrainPreCheck.plan(snapshot, cluster.drainBlockers(image));
    Map<String, NodeView> views = new HashMap<>();
    read.nodes().forEach(n -> views.put(n.name(), n));
    Map<String, RuntimeException> failed = new ConcurrentHashMap<>();
    changed |= applyAll(image, plan.steps(), now, failed);
    changed |= cluster.createMissingOSNodes(image, target, owned);
    for (NodeStep step : plan.steps()) {
      if (failed.containsKey(step.node())) {
        continue;
      }
      StepEvents.announce(events, image, step, views.get(step.node()));
      if (step instanceof NodeStep.Release && views.get(step.node()).drainStartedAt() != null) {
        metrics.nodeReleased(
            image.getMetadata().getName(),
            Duration.between(views.get(step.node()).drainStartedAt(), now));
      }
    }
    if (!failed.isEmpty()) {
      throw failed.values().iterator().next(); // the reconcile is retried; steps are idempotent
    }
    if (policy.retry().requested()) {
      StepEvents.announceRetry(events, image, policy.retry(), plan.steps());
      cluster.clearRetryRequest(
          image, image.getMetadata().getAnnotations().get(OSImage.RETRY_ANNOTATION));
    }
    plan.newFailures()
        .forEach(f -> events.warning(image, f.reason(), f.node() + ": " + f.message()));
    metrics.record(image.getMetadata().getName(), plan);
    OSImageStatus status = StatusAggregator.fromPlan(image, target, plan, read.conflicts(), now);
    if (refused != null) {
      if (!StatusAggregator.refusedTarget(image.getStatus())) {
        events.warning(image, StatusAggregator.DOWNGRADE_REFUSED, refused);
      }
      status = StatusAggregator.withRefusedTarget(image, status, refused, now);
    }
    StepEvents.announcePhase(events, image, image.getStatus(), status);
    StepEvents.announceBlockers(events, image, image.getStatus(), status, plan.newFailures());
    StepEvents.announceConflict(events, image, image.getStatus(), status);
    Duration idle = image.getSpec().source().commit() == null ? refPoll : IDLE_POLL;
    return new Result(status, changed ? Duration.ZERO : recheckAfter(plan, now, idle));
  }

  /**
   * Resolves the spec's source, and keeps the current target when an unpinned ref now names an
   * older commit (see {@link TargetGuard}).
   */
  private TargetGuard.Decision target(OSImage image) throws Exception {
    var source = image.getSpec().source();
    CommitResolver.Resolved resolved = resolver.resolve(source, image.getSpec().verification());
    OSImageStatus status = image.getStatus();
    String current = status != null ? status.targetCommit() : null;
    boolean pinned = source.commit() != null;
    if (pinned || current == null || current.equals(resolved.commit())) {
      return new TargetGuard.Decision(resolved.commit(), null);
    }
    Instant resolvedTime =
        resolved.time() != null ? resolved.time() : resolver.commitTime(source, resolved.commit());
    return TargetGuard.decide(
        false, current, resolver.commitTime(source, current), resolved.commit(), resolvedTime);
  }

  /**
   * Applies the steps: one node's steps in plan order, different nodes in parallel on the pool.
   * Every node's steps are attempted even if another node's fail.
   *
   * @param failed receives the first failure per node whose steps did not all go through
   * @return whether a step changed a Node or OSNode (see {@link RolloutCluster#apply})
   */
  private boolean applyAll(
      OSImage image, List<NodeStep> steps, Instant now, Map<String, RuntimeException> failed) {
    Map<String, List<NodeStep>> byNode = new LinkedHashMap<>();
    steps.forEach(s -> byNode.computeIfAbsent(s.node(), n -> new ArrayList<>()).add(s));
    AtomicBoolean changed = new AtomicBoolean();
    Map<String, Future<?>> running = new LinkedHashMap<>();
    byNode.forEach(
        (node, own) -> {
          Runnable apply =
              () -> {
                try {
                  for (NodeStep s : own) {
                    if (cluster.apply(image, s, now)) {
                      changed.set(true);
                    }
                  }
                } catch (RuntimeException e) {
                  failed.put(node, e);
                }
              };
          if (stepPool == null || byNode.size() == 1) {
            apply.run();
          } else {
            running.put(node, stepPool.submit(apply));
          }
        });
    for (Map.Entry<String, Future<?>> r : running.entrySet()) {
      try {
        r.getValue().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.putIfAbsent(r.getKey(), new IllegalStateException("interrupted", e));
      } catch (ExecutionException e) {
        failed.putIfAbsent(r.getKey(), new IllegalStateException(e.getCause()));
      }
    }
    return changed.get();
  }

  /**
   * Wave membership recorded for {@code target}. A new target while the rollout of the previous one
   * has not completed (a GitOps revert mid-wave) keeps the membership, so the same waves go in the
   * same order, but not the completion times: each wave completes, and pauses, anew for the new
   * commit. A new target after a completed rollout starts from fresh waves.
   */
  static List<FrozenWave> frozenWaves(OSImageStatus status, String target) {
    if (status == null || status.targetCommit() == null) {
      return List.of();
    }
    boolean same = target.equals(status.targetCommit());
    if (!same && !retargetedMidRollout(status, target)) {
      return List.of();
    }
    List<FrozenWave> frozen = new ArrayList<>();
    for (WaveStatus w : status.wavesOrEmpty()) {
      Instant completed = same && w.completedAt() != null ? Instant.parse(w.completedAt()) : null;
      frozen.add(new FrozenWave(w.index(), w.nodesOrEmpty(), completed));
    }
    return frozen;
  }

  /** The blockers the status shows for this target, with their times, for the planner. */
  static List<RolloutPlan.Blocker> previousBlockers(OSImageStatus status, String target) {
    if (status == null || status.blockers() == null || !target.equals(status.targetCommit())) {
      return List.of();
    }
    List<RolloutPlan.Blocker> blockers = new ArrayList<>();
    for (NodeIssue i : status.blockers()) {
      if (i.node() == null || i.reason() == null) {
        continue;
      }
      Instant since = parse(i.since());
      blockers.add(
          new RolloutPlan.Blocker(
              i.node(), i.reason(), i.message(), since != null ? since : parse(i.time())));
    }
    return blockers;
  }

  private static Instant parse(String rfc3339) {
    try {
      return rfc3339 != null ? Instant.parse(rfc3339) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The target changed before the rollout of the recorded one completed. */
  static boolean retargetedMidRollout(OSImageStatus status, String target) {
    return status != null
        && status.targetCommit() != null
        && !target.equals(status.targetCommit())
        && status.phase() != OSImagePhase.Completed
        && !status.wavesOrEmpty().isEmpty();
  }

  /**
   * @param idle when to look again with nothing in flight: the ref poll for a followed ref
   */
  static Duration recheckAfter(RolloutPlan plan, Instant now, Duration idle) {
    // A node stuck under action Stop may recover with nothing but a heartbeat, which does not wake
    // the reconciler (OSImageReconciler#moreThanAHeartbeat): look again soon while one is stuck.
    // Likewise a budget that holds a node back: pods and budgets are not watched, and Node status
    // heartbeats no longer wake the reconciler (OSImageReconciler#mayAlterAPlan).
    boolean stuck = plan.waitingFor() != null && plan.waitingFor().startsWith("stuck:");
    boolean inFlight =
        plan.counts().updating() > 0 || !plan.steps().isEmpty() || stuck || plan.heldByABudget();
    Duration next = inFlight ? IN_FLIGHT_POLL : idle;
    if (plan.wakeAt() != null) {
      Duration untilWake = Duration.between(now, plan.wakeAt()).plusSeconds(1);
      if (untilWake.compareTo(next) < 0) {
        next = untilWake.isNegative() ? Duration.ofSeconds(1) : untilWake;
      }
    }
    return next;
  }
}
