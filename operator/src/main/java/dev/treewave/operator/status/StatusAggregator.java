package dev.treewave.operator.status;

import dev.treewave.api.v1alpha1.NodeCounts;
import dev.treewave.api.v1alpha1.NodeIssue;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.WaveState;
import dev.treewave.api.v1alpha1.WaveStatus;
import dev.treewave.operator.plan.RolloutPlan;
import dev.treewave.operator.plan.RolloutPlan.Blocker;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The only writer of OSImage status conditions. kstatus reads {@code Ready}, {@code Reconciling}
 * and {@code Stalled}; {@code Paused}, {@code Degraded} and {@code Conflict} say more. A condition
 * keeps its {@code lastTransitionTime} until its status flips, and every condition carries the
 * generation it describes.
 */
public final class StatusAggregator {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String PAUSED = "Paused";
  public static final String DEGRADED = "Degraded";
  public static final String CONFLICT = "Conflict";

  /** Degraded's reason while an unpinned ref names a commit older than the target. */
  public static final String DOWNGRADE_REFUSED = "DowngradeRefused";

  private final OSImage image;
  private final Instant now;
  private final List<Condition> conditions = new ArrayList<>();

  private StatusAggregator(OSImage image, Instant now) {
    this.image = image;
    this.now = now;
  }

  /** Status for a spec that cannot be acted on. Nothing else is known or changed. */
  public static OSImageStatus invalidSpec(OSImage image, String message, Instant now) {
    StatusAggregator a = new StatusAggregator(image, now);
    a.set(READY, false, "InvalidSpec", message);
    a.set(RECONCILING, false, "InvalidSpec", message);
    a.set(STALLED, true, "InvalidSpec", message);
    OSImageStatus old = image.getStatus();
    return a.status(old, old != null ? old.phase() : OSImagePhase.Pending, null);
  }

  /** Status while the target commit cannot be resolved (retried). */
  public static OSImageStatus unresolved(OSImage image, String message, Instant now) {
    StatusAggregator a = new StatusAggregator(image, now);
    a.set(READY, false, "TargetUnresolved", message);
    a.set(RECONCILING, true, "TargetUnresolved", message);
    a.set(STALLED, false, "TargetUnresolved", "retrying");
    OSImageStatus old = image.getStatus();
    return a.status(old, old != null ? old.phase() : OSImagePhase.Pending, null);
  }

  /**
   * Status after a reconcile that threw (the API server refused a write, a bug): everything else as
   * it was, and Reconciling says why and that it is retried. Without this a failed step never
   * reached status and the OSImage looked as if nothing were wrong.
   */
  public static OSImageStatus reconcileFailed(OSImage image, String message, Instant now) {
    StatusAggregator a = new StatusAggregator(image, now);
    a.set(
        RECONCILING,
        true,
        "ReconcileError",
        "the last reconcile failed and is retried: " + message);
    OSImageStatus old = image.getStatus();
    if (old != null) {
      old.conditionsOrEmpty().stream()
          .filter(c -> !RECONCILING.equals(c.getType()))
          .forEach(a.conditions::add);
    }
    return a.status(old, old != null ? old.phase() : OSImagePhase.Pending, null);
  }

  /** Status from a plan. */
  public static OSImageStatus fromPlan(
      OSImage image, String target, RolloutPlan plan, List<String> conflicts, Instant now) {
    StatusAggregator a = new StatusAggregator(image, now);
    OSImagePhase phase = phase(plan.phase());
    RolloutPlan.Counts c = plan.counts();
    String progress = c.updated() + "/" + c.total() + " nodes updated";
    boolean clean = c.failed() == 0 && c.skipped() == 0;
    if (phase == OSImagePhase.RollingBack || phase == OSImagePhase.RolledBack) {
      progress = c.rolledBack() + "/" + c.total() + " nodes rolled back (spec.rollback)";
    }
    a.set(
        READY,
        (phase == OSImagePhase.Completed && clean) || phase == OSImagePhase.RolledBack,
        phase == OSImagePhase.Completed
            ? (clean ? "RolloutComplete" : "CompletedWithIssues")
            : phase.name(),
        progress);
    boolean reconciling =
        phase == OSImagePhase.RollingOut
            || phase == OSImagePhase.Staging
            || phase == OSImagePhase.RollingBack;
    a.set(RECONCILING, reconciling, phase.name(), why(plan, progress));
    List<Blocker> human =
        plan.blockers().stream()
            .filter(
                b ->
                    b.reason().equals("NoRollbackDeployment")
                        || b.reason().equals("RollbackFailed")
                        || b.reason().equals("RollbackUnhealthy")
                        || b.reason().equals(RolloutPlan.FORCE_DRAIN_DISABLED))
            .toList();
    boolean stalled = phase == OSImagePhase.Failed || !human.isEmpty();
    boolean stuck = plan.waitingFor() != null && plan.waitingFor().startsWith("stuck:");
    a.set(
        STALLED,
        stalled,
        phase == OSImagePhase.Failed
            ? (stuck ? "StuckNode" : "FailurePolicy")
            : human.isEmpty() ? "Progressing" : "NeedsAttention",
        stalled ? why(plan, progress) + describe(human) : "not stalled");
    boolean paused = phase == OSImagePhase.Paused;
    a.set(
        PAUSED,
        paused,
        paused ? (image.getSpec().isPaused() ? "SpecPaused" : "WavePause") : "NotPaused",
        paused ? plan.waitingFor() : "not paused");
    boolean degraded = !clean || !plan.blockers().isEmpty();
    a.set(
        DEGRADED,
        degraded,
        degraded ? "NodeIssues" : "AsExpected",
        degraded
            ? c.failed() + " failed, " + c.skipped() + " skipped" + describe(plan.blockers())
            : "no node issues");
    a.set(
        CONFLICT,
        !conflicts.isEmpty(),
        conflicts.isEmpty() ? "NoConflict" : "NodeHeldByAnotherOSImage",
        conflicts.isEmpty()
            ? "no node is selected by another OSImage"
            : "not updating nodes another OSImage owns: " + String.join("; ", conflicts));

    OSImageStatus old = image.getStatus();
    NodeIssue lastFailure =
        plan.newFailures().isEmpty()
            ? (old != null ? old.lastFailure() : null)
            : issue(plan.newFailures().get(plan.newFailures().size() - 1), now);
    return new OSImageStatus(
        image.getMetadata().getGeneration(),
        phase,
        target,
        plan.targetVersion() != null
            ? plan.targetVersion()
            : old != null ? old.targetVersion() : null,
        plan.currentWave(),
        new NodeCounts(
            c.total(),
            c.staged(),
            c.updating(),
            c.updated(),
            c.failed(),
            c.skipped(),
            c.staging(),
            c.rolledBack()),
        plan.waves().stream().map(StatusAggregator::wave).toList(),
        plan.order(),
        plan.blockers().stream().map(b -> blockerIssue(old, b, now)).toList(),
        lastFailure,
        a.conditions);
  }

  /**
   * {@code status} with {@code Degraded=True} (reason {@value #DOWNGRADE_REFUSED}): the rollout
   * stays on its target because the ref now names an older commit.
   */
  public static OSImageStatus withRefusedTarget(
      OSImage image, OSImageStatus status, String message, Instant now) {
    StatusAggregator a = new StatusAggregator(image, now);
    a.set(DEGRADED, true, DOWNGRADE_REFUSED, message);
    List<Condition> conditions = new ArrayList<>();
    for (Condition c : status.conditionsOrEmpty()) {
      conditions.add(DEGRADED.equals(c.getType()) ? a.conditions.get(0) : c);
    }
    return new OSImageStatus(
        status.observedGeneration(),
        status.phase(),
        status.targetCommit(),
        status.targetVersion(),
        status.currentWave(),
        status.nodes(),
        status.waves(),
        status.order(),
        status.blockers(),
        status.lastFailure(),
        conditions);
  }

  /** Whether {@code status} already reports a refused downgrade. */
  public static boolean refusedTarget(OSImageStatus status) {
    return status != null
        && status.conditionsOrEmpty().stream()
            .anyMatch(
                c ->
                    DEGRADED.equals(c.getType())
                        && "True".equals(c.getStatus())
                        && DOWNGRADE_REFUSED.equals(c.getReason()));
  }

  private static String why(RolloutPlan plan, String progress) {
    return plan.waitingFor() != null ? progress + "; " + plan.waitingFor() : progress;
  }

  private static String describe(List<Blocker> blockers) {
    if (blockers.isEmpty()) {
      return "";
    }
    return "; "
        + blockers.stream()
            .map(b -> b.node() + ": " + b.reason() + " (" + b.message() + ")")
            .collect(Collectors.joining("; "));
  }

  /** Keeps a blocker's first-seen time, so an unchanged situation writes an unchanged status. */
  private static Instant firstSeen(OSImageStatus old, Blocker b, Instant now) {
    if (old == null || old.blockers() == null) {
      return now;
    }
    return old.blockers().stream()
        .filter(i -> b.node().equals(i.node()) && b.reason().equals(i.reason()) && i.time() != null)
        .map(i -> Instant.parse(i.time()))
        .findFirst()
        .orElse(now);
  }

  private static NodeIssue issue(Blocker b, Instant now) {
    return issue(b, now, b.since() != null ? b.since().toString() : null);
  }

  /**
   * A blocker as status shows it. When neither the plan nor the previous status knows since when (a
   * given-up node listed again after a status read that was still stale), it has been stuck at
   * least since it was first shown: never an empty {@code since}.
   */
  private static NodeIssue blockerIssue(OSImageStatus old, Blocker b, Instant now) {
    Instant shown = firstSeen(old, b, now);
    String since = since(old, b);
    return issue(b, shown, since != null ? since : shown.toString());
  }

  private static NodeIssue issue(Blocker b, Instant now, String since) {
    return new NodeIssue(b.node(), b.reason(), b.message(), now.toString(), since);
  }

  /** The blocker's own since, else the one status already shows for it (never dropped). */
  private static String since(OSImageStatus old, Blocker b) {
    if (b.since() != null) {
      return b.since().toString();
    }
    if (old == null || old.blockers() == null) {
      return null;
    }
    return old.blockers().stream()
        .filter(i -> b.node().equals(i.node()) && b.reason().equals(i.reason()))
        .map(NodeIssue::since)
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  private static WaveStatus wave(RolloutPlan.PlannedWave w) {
    return new WaveStatus(
        w.index(),
        w.nodes(),
        WaveState.valueOf(
            switch (w.progress()) {
              case PENDING -> "Pending";
              case IN_PROGRESS -> "InProgress";
              case PAUSED -> "Paused";
              case COMPLETED -> "Completed";
              case FAILED -> "Failed";
            }),
        w.updated(),
        w.completedAt() != null ? w.completedAt().toString() : null,
        w.pausedUntil() != null ? w.pausedUntil().toString() : null);
  }

  static OSImagePhase phase(RolloutPlan.Phase p) {
    return switch (p) {
      case PENDING -> OSImagePhase.Pending;
      case STAGING -> OSImagePhase.Staging;
      case ROLLING_OUT -> OSImagePhase.RollingOut;
      case PAUSED -> OSImagePhase.Paused;
      case WAITING_FOR_WINDOW -> OSImagePhase.WaitingForWindow;
      case COMPLETED -> OSImagePhase.Completed;
      case FAILED -> OSImagePhase.Failed;
      case ROLLING_BACK -> OSImagePhase.RollingBack;
      case ROLLED_BACK -> OSImagePhase.RolledBack;
    };
  }

  private OSImageStatus status(OSImageStatus old, OSImagePhase phase, Object unused) {
    return new OSImageStatus(
        image.getMetadata().getGeneration(),
        phase,
        old != null ? old.targetCommit() : null,
        old != null ? old.targetVersion() : null,
        old != null ? old.currentWave() : null,
        old != null ? old.nodes() : null,
        old != null ? old.waves() : null,
        old != null ? old.order() : null,
        old != null ? old.blockers() : null,
        old != null ? old.lastFailure() : null,
        conditions);
  }

  private void set(String type, boolean status, String reason, String message) {
    String value = status ? "True" : "False";
    Map<String, Condition> previous =
        image.getStatus() == null
            ? Map.of()
            : image.getStatus().conditionsOrEmpty().stream()
                .collect(Collectors.toMap(Condition::getType, Function.identity(), (x, y) -> x));
    Condition old = previous.get(type);
    String since =
        old != null && value.equals(old.getStatus()) ? old.getLastTransitionTime() : now.toString();
    conditions.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withLastTransitionTime(since)
            .withObservedGeneration(image.getMetadata().getGeneration())
            .build());
  }
}
