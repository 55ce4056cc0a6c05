package dev.treewave.operator.plan;

import dev.treewave.operator.plan.AgentView.Outcome;
import dev.treewave.operator.plan.AgentView.Outcome.Kind;
import dev.treewave.operator.plan.AgentView.PlannedInstruction;
import dev.treewave.operator.plan.RolloutPlan.Blocker;
import dev.treewave.operator.plan.RolloutPlan.Counts;
import dev.treewave.operator.plan.RolloutPlan.Phase;
import dev.treewave.operator.plan.RolloutPlan.PlannedWave;
import dev.treewave.operator.plan.RolloutPlan.WaveProgress;
import dev.treewave.operator.plan.WaveRule.PauseRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides, from a snapshot of the cluster, what to do now. Pure: same snapshot, same plan.
 *
 * <p>Rules, in order: nodes a person asked to retry get a fresh Stage; nodes that are stuck past a
 * deadline are named and the stuck-node policy applied (see {@link StuckNodes}: Skip records them
 * skipped, Stop stops the rollout while they stay stuck); nodes already in a slot always move on
 * (see {@link InFlightNodes}); staging needs no slot; a new node is disrupted only if the failure
 * policy has not tripped (failed plus skipped nodes within maxFailedNodes, no stuck node under
 * Stop), the rollout is not paused, a maintenance window is open, prefetch is done, the pause after
 * the previous wave is over, and both the rollout's and the wave's budgets have room, counting
 * every targeted node that is unavailable for any reason.
 */
public final class RolloutPlanner {
  /** The OSImage annotation that retries nodes (see the api's OSImage.RETRY_ANNOTATION). */
  static final String RETRY_ANNOTATION = "treewave.dev/retry";

  /** The OSImage annotation that aborts the rollout (see the api's OSImage.ABORT_ANNOTATION). */
  static final String ABORT_ANNOTATION = "treewave.dev/abort";

  private RolloutPlanner() {}

  public static RolloutPlan plan(RolloutSnapshot snapshot) {
    String target = snapshot.targetCommit();
    if (target == null) {
      return RolloutPlan.pending(snapshot.nodes().size(), "the target commit is not resolved yet");
    }
    if (snapshot.nodes().isEmpty()) {
      return RolloutPlan.pending(0, "no node matches spec.nodeSelector");
    }
    RolloutPolicy policy = snapshot.policy();
    Map<String, NodeView> nodes = new LinkedHashMap<>();
    snapshot.nodes().forEach(n -> nodes.put(n.name(), n));
    Map<String, NodeState> states = new LinkedHashMap<>();
    nodes.values().forEach(n -> states.put(n.name(), NodeState.of(n, target)));

    WaveAssigner.Assignment assignment = assign(snapshot);
    List<List<String>> waves = assignment.waves();

    List<NodeStep> steps = new ArrayList<>();
    List<Blocker> blockers = new ArrayList<>();
    Map<String, Instant> drainBlockedSince = drainBlockedSince(snapshot);
    Set<String> retried = retry(snapshot, nodes, states, drainBlockedSince, steps);
    List<Blocker> stopping =
        stuckBeforeSlot(snapshot, nodes, states, retried, drainBlockedSince, steps, blockers);

    int failedBefore = count(states, NodeState.FAILED) + failedInSlot(snapshot, target);
    boolean rollbackAll = policy.rollbackAll();
    int skippedBefore = count(states, NodeState.SKIPPED);
    InFlightNodes inFlight =
        new InFlightNodes(
            snapshot, failedBefore + skippedBefore > policy.maxFailedNodes() || rollbackAll);
    for (String name : order(waves)) {
      if (!retried.contains(name)) {
        inFlight.advance(nodes.get(name), states.get(name));
      }
    }
    int failed = failedBefore + inFlight.newFailures.size();
    stopping.addAll(inFlight.stuck);
    // Skipped nodes count against maxFailedNodes too; a stuck node under action Stop trips alone.
    boolean overBudget = failed + skippedBefore + inFlight.newSkips > policy.maxFailedNodes();
    boolean tripped = overBudget || !stopping.isEmpty();

    steps.addAll(inFlight.steps);
    blockers.addAll(inFlight.blockers);
    if (!rollbackAll && !policy.aborted()) {
      stage(snapshot, waves, states, steps);
    }
    withdrawStaleStages(snapshot, steps);

    Progress progress = progress(snapshot, waves, states, tripped);
    Gate gate = gate(snapshot, tripped, stopping, progress, states, waves);
    if (gate.open()) {
      startNodes(
          snapshot,
          waves.get(progress.current()),
          progress.current(),
          states,
          steps,
          blockers,
          drainBlockedSince);
    }
    if (rollbackAll) {
      rollBackEveryUpdatedNode(snapshot, waves, states, steps, blockers, drainBlockedSince);
    } else if (tripped && policy.rollbackOnFailure()) {
      requestRollbacks(snapshot, waves, states, steps, blockers, drainBlockedSince);
    }
    keepDrainBlockers(snapshot, states, steps, blockers);
    listSkipped(nodes, states, blockers);

    Instant wakeAt =
        earliest(
            earliest(inFlight.wakeAt(), gate.wakeAt()),
            stuckDeadline(snapshot, nodes, states, drainBlockedSince, blockers));
    return new RolloutPlan(
        rollbackAll ? rollbackPhase(states) : phase(tripped, progress, gate, states),
        Math.min(progress.current(), waves.size() - 1),
        progress.planned(),
        assignment.explanation(),
        steps,
        states,
        counts(snapshot, states, failed),
        blockers,
        inFlight.newFailures,
        gate.open() ? null : gate.reason(),
        wakeAt,
        targetVersion(snapshot));
  }

  private static WaveAssigner.Assignment assign(RolloutSnapshot s) {
    List<String> names = s.nodes().stream().map(NodeView::name).toList();
    Map<String, String> zones = new HashMap<>();
    s.nodes().stream().filter(n -> n.zone() != null).forEach(n -> zones.put(n.name(), n.zone()));
    if (!s.frozenWaves().isEmpty()) {
      return WaveAssigner.keep(s.frozenWaves(), names, zones, s.leaderNode());
    }
    return WaveAssigner.assign(s.policy().waves(), names, zones, s.leaderNode());
  }

  /** Failed nodes still cordoned are also failures (FAILED is only their released state). */
  private static int failedInSlot(RolloutSnapshot s, String target) {
    return (int)
        s.nodes().stream()
            .filter(NodeView::cordonedByUs)
            .map(n -> n.agentOrEmpty().outcome())
            .filter(o -> o != null && o.kind() == Kind.FAILED && target.equals(o.commit()))
            .count();
  }

  /** With prefetch, every targeted node stages at once; otherwise this wave and the next. */
  private static void stage(
      RolloutSnapshot s,
      List<List<String>> waves,
      Map<String, NodeState> states,
      List<NodeStep> steps) {
    List<String> toStage;
    if (s.policy().prefetch()) {
      toStage = order(waves);
    } else {
      int current = firstIncomplete(waves, states);
      toStage = new ArrayList<>();
      for (int i = current; i < Math.min(current + 2, waves.size()); i++) {
        toStage.addAll(waves.get(i));
      }
    }
    int room = stagingLimit(s) - count(states, NodeState.STAGING);
    for (String name : toStage) {
      if (room <= 0) {
        return;
      }
      if (states.get(name) == NodeState.PENDING) {
        steps.add(new NodeStep.Stage(name, s.targetCommit()));
        room--;
      }
    }
  }

  /** How many nodes may be staging (downloading) at one time: spec.rollout.maxConcurrentStaging. */
  private static int stagingLimit(RolloutSnapshot s) {
    Quantity limit = s.policy().maxConcurrentStaging();
    return limit == null ? Integer.MAX_VALUE : limit.ofRoundedDownAtLeastOne(s.nodes().size());
  }

  /**
   * After a change of target, a Stage of the earlier target that is not replaced by a Stage of the
   * new one is taken back: the agent stops downloading a commit nobody wants any more. Under
   * spec.rollback every Stage is taken back.
   */
  private static void withdrawStaleStages(RolloutSnapshot s, List<NodeStep> steps) {
    java.util.Set<String> staging =
        steps.stream()
            .filter(st -> st instanceof NodeStep.Stage)
            .map(NodeStep::node)
            .collect(Collectors.toSet());
    for (NodeView n : s.nodes()) {
      AgentView.PlannedInstruction i = n.agentOrEmpty().instruction();
      if (i != null
          && i.action() == AgentView.Action.STAGE
          && (!s.targetCommit().equals(i.commit()) || s.policy().rollbackAll())
          && !staging.contains(n.name())) {
        steps.add(new NodeStep.Withdraw(n.name()));
      }
    }
  }

  private record Progress(int current, List<PlannedWave> planned) {}

  /**
   * @param tripped the failure policy has stopped the rollout: a wave none of whose nodes was
   *     started is shown as pending, not in progress, because it will not start
   */
  private static Progress progress(
      RolloutSnapshot s, List<List<String>> waves, Map<String, NodeState> states, boolean tripped) {
    int current = firstIncomplete(waves, states);
    Map<Integer, Instant> recorded = new HashMap<>();
    s.frozenWaves().stream()
        .filter(w -> w.completedAt() != null)
        .forEach(w -> recorded.put(w.index(), w.completedAt()));
    List<PlannedWave> planned = new ArrayList<>();
    for (int i = 0; i < waves.size(); i++) {
      List<String> members = waves.get(i);
      int updated = (int) members.stream().filter(n -> states.get(n) == NodeState.UPDATED).count();
      boolean complete = members.stream().allMatch(n -> states.get(n).terminal());
      Instant completedAt = complete ? recorded.getOrDefault(i, s.now()) : null;
      Instant pausedUntil = null;
      WaveProgress progress;
      if (complete) {
        PauseRule pause = rule(s.policy(), i).pauseAfter();
        boolean pausing = pause != null && i + 1 < waves.size() && !pauseOver(s, i, completedAt);
        if (pausing && !pause.untilResumed()) {
          pausedUntil = completedAt.plus(pause.duration());
        }
        boolean anyFailed = members.stream().anyMatch(n -> states.get(n) == NodeState.FAILED);
        progress =
            anyFailed
                ? WaveProgress.FAILED
                : pausing ? WaveProgress.PAUSED : WaveProgress.COMPLETED;
      } else {
        boolean started =
            members.stream()
                .map(states::get)
                .anyMatch(
                    st ->
                        st != NodeState.PENDING
                            && st != NodeState.STAGING
                            && st != NodeState.STAGED);
        progress =
            i == current && (started || !tripped) ? WaveProgress.IN_PROGRESS : WaveProgress.PENDING;
      }
      planned.add(new PlannedWave(i, members, progress, updated, completedAt, pausedUntil));
    }
    return new Progress(current, planned);
  }

  private static boolean pauseOver(RolloutSnapshot s, int wave, Instant completedAt) {
    PauseRule pause = rule(s.policy(), wave).pauseAfter();
    if (pause == null || s.policy().resumedWave() >= wave + 1) {
      return true;
    }
    return !pause.untilResumed() && !s.now().isBefore(completedAt.plus(pause.duration()));
  }

  private record Gate(boolean open, String reason, Instant wakeAt, Phase waitPhase) {
    static Gate go() {
      return new Gate(true, null, null, Phase.ROLLING_OUT);
    }

    static Gate closed(Phase phase, String reason) {
      return new Gate(false, reason, null, phase);
    }
  }

  /** Whether a new node may be disrupted now, and if not, why (for status). */
  private static Gate gate(
      RolloutSnapshot s,
      boolean tripped,
      List<Blocker> stopping,
      Progress progress,
      Map<String, NodeState> states,
      List<List<String>> waves) {
    RolloutPolicy policy = s.policy();
    if (policy.rollbackAll()) {
      return Gate.closed(
          Phase.ROLLING_BACK, "spec.rollback: updated nodes go back to their previous deployment");
    }
    if (!stopping.isEmpty()) {
      return Gate.closed(
          Phase.FAILED,
          "stuck: "
              + stopping.stream()
                  .map(b -> b.node() + " (" + b.reason() + ")")
                  .collect(Collectors.joining(", "))
              + "; spec.stuckNodes.action is Stop, so no more nodes are disrupted until the"
              + " cause is gone or the node is retried (annotation "
              + RETRY_ANNOTATION
              + ")");
    }
    if (tripped) {
      return Gate.closed(
          Phase.FAILED,
          "more than "
              + policy.maxFailedNodes()
              + " node(s) failed or were skipped; the failure policy stopped the rollout"
              + " (retry them with the annotation "
              + RETRY_ANNOTATION
              + ")");
    }
    if (progress.current() >= waves.size()) {
      return Gate.closed(Phase.COMPLETED, "every targeted node is done");
    }
    if (policy.aborted()) {
      return Gate.closed(
          Phase.PAUSED,
          "aborted by the annotation "
              + ABORT_ANNOTATION
              + " ("
              + policy.abortReason()
              + "): nodes not yet rebooting were released; remove it to go on");
    }
    if (policy.paused()) {
      return Gate.closed(Phase.PAUSED, "paused by spec.paused");
    }
    if (policy.prefetch()) {
      List<String> unstaged =
          s.nodes().stream()
              .filter(NodeView::ready)
              .filter(
                  n ->
                      states.get(n.name()) == NodeState.PENDING
                          || states.get(n.name()) == NodeState.STAGING)
              .map(NodeView::name)
              .toList();
      if (!unstaged.isEmpty()) {
        int limit = stagingLimit(s);
        return Gate.closed(
            Phase.STAGING,
            "prefetch: waiting for "
                + unstaged.size()
                + " node(s) to stage the commit"
                + (limit == Integer.MAX_VALUE
                    ? ""
                    : " (" + limit + " at a time, spec.rollout.maxConcurrentStaging)")
                + ": "
                + String.join(", ", unstaged.subList(0, Math.min(5, unstaged.size())))
                + (unstaged.size() > 5 ? ", ..." : ""));
      }
    }
    int current = progress.current();
    if (current > 0) {
      PlannedWave previous = progress.planned().get(current - 1);
      if (previous.progress() == WaveProgress.PAUSED) {
        if (previous.pausedUntil() != null) {
          return new Gate(
              false,
              "pause after wave " + (current - 1) + " until " + previous.pausedUntil(),
              previous.pausedUntil(),
              Phase.PAUSED);
        }
        return Gate.closed(
            Phase.PAUSED,
            "pause after wave "
                + (current - 1)
                + "; resume with: kubectl annotate osimage <name>"
                + " treewave.dev/resume-wave="
                + current
                + " --overwrite");
      }
    }
    if (!policy.windows().isOpen(s.now())) {
      Instant opens = policy.windows().nextOpening(s.now()).orElse(null);
      return new Gate(
          false,
          "outside maintenance windows; next opens " + opens,
          opens,
          Phase.WAITING_FOR_WINDOW);
    }
    return Gate.go();
  }

  /** Cordons the next nodes of the current wave, as far as both budgets allow. */
  private static void startNodes(
      RolloutSnapshot s,
      List<String> wave,
      int waveIndex,
      Map<String, NodeState> states,
      List<NodeStep> steps,
      List<Blocker> blockers,
      Map<String, Instant> drainBlockedSince) {
    RolloutPolicy policy = s.policy();
    int budget = policy.maxUnavailable().ofRoundedDownAtLeastOne(s.nodes().size());
    Quantity waveMax = rule(policy, waveIndex).maxUnavailable();
    int waveLimit =
        waveMax != null ? Math.min(waveMax.ofRoundedDownAtLeastOne(wave.size()), budget) : budget;
    int inWave = (int) wave.stream().filter(n -> states.get(n).inSlot()).count();
    int slots = Math.min(freeSlots(s, states), waveLimit - inWave);
    cordon(s, wave, NodeState.STAGED, slots, states, steps, blockers, drainBlockedSince);
  }

  /** Room left in the rollout's budget, counting nodes unavailable for any reason. */
  private static int freeSlots(RolloutSnapshot s, Map<String, NodeState> states) {
    int total = s.nodes().size();
    int unavailable = (int) s.nodes().stream().filter(n -> unavailable(n, states)).count();
    return s.policy().maxUnavailable().ofRoundedDownAtLeastOne(total) - unavailable;
  }

  private static void cordon(
      RolloutSnapshot s,
      List<String> candidates,
      NodeState wanted,
      int slots,
      Map<String, NodeState> states,
      List<NodeStep> steps,
      List<Blocker> blockers,
      Map<String, Instant> drainBlockedSince) {
    Map<String, NodeView> byName =
        s.nodes().stream().collect(Collectors.toMap(NodeView::name, n -> n));
    for (String name : candidates) {
      if (slots <= 0) {
        return;
      }
      if (states.get(name) != wanted) {
        continue;
      }
      Blocker blocker = blockerFor(byName.get(name), drainBlockedSince.getOrDefault(name, s.now()));
      if (blocker != null) {
        blockers.add(blocker);
        continue;
      }
      steps.add(new NodeStep.Cordon(name));
      slots--;
    }
  }

  /** Before cordoning: a node we would only leave stuck, or should not touch, is reported. */
  private static Blocker blockerFor(NodeView node, Instant drainBlockedSince) {
    if (!node.ready()) {
      return new Blocker(node.name(), "NodeNotReady", "node is not Ready; not disrupting it");
    }
    if (node.unschedulable()) {
      return new Blocker(
          node.name(), "CordonedByOthers", "node was cordoned by someone else; leaving it alone");
    }
    if (!node.drainBlockers().isEmpty()) {
      return new Blocker(
          node.name(),
          StuckNodes.DRAIN_WOULD_BLOCK,
          "eviction not allowed now: " + String.join("; ", node.drainBlockers()),
          drainBlockedSince);
    }
    return null;
  }

  private static boolean unavailable(NodeView n, Map<String, NodeState> states) {
    return !n.ready() || n.unschedulable() || states.get(n.name()).inSlot();
  }

  /**
   * The failure policy says Rollback: updated nodes of every wave with a failed node are marked,
   * then go through the same slot pipeline (budget, PDB pre-check, drain) as any disruption.
   */
  private static void requestRollbacks(
      RolloutSnapshot s,
      List<List<String>> waves,
      Map<String, NodeState> states,
      List<NodeStep> steps,
      List<Blocker> blockers,
      Map<String, Instant> drainBlockedSince) {
    String target = s.targetCommit();
    Map<String, NodeView> byName =
        s.nodes().stream().collect(Collectors.toMap(NodeView::name, n -> n));
    List<String> marked = new ArrayList<>();
    for (List<String> wave : waves) {
      boolean waveFailed =
          wave.stream()
              .map(n -> byName.get(n).agentOrEmpty().outcome())
              .anyMatch(o -> o != null && o.kind() == Kind.FAILED && target.equals(o.commit()));
      if (!waveFailed) {
        continue;
      }
      for (String n : wave) {
        if (states.get(n) == NodeState.UPDATED) {
          steps.add(
              new NodeStep.RecordOutcome(
                  n, new Outcome(Kind.ROLLBACK_REQUESTED, target, "failure policy: Rollback")));
        } else if (states.get(n) == NodeState.ROLLBACK_PENDING) {
          marked.add(n);
        }
      }
    }
    cordon(
        s,
        marked,
        NodeState.ROLLBACK_PENDING,
        freeSlots(s, states),
        states,
        steps,
        blockers,
        drainBlockedSince);
  }

  /**
   * The retry lever: failed, skipped and stuck nodes the annotation names get a fresh Stage, and
   * count as staging from now on (so they no longer count as failed: the rollout can leave Failed).
   */
  private static Set<String> retry(
      RolloutSnapshot s,
      Map<String, NodeView> nodes,
      Map<String, NodeState> states,
      Map<String, Instant> drainBlockedSince,
      List<NodeStep> steps) {
    RolloutPolicy.Retry retry = s.policy().retry();
    Set<String> retried = new LinkedHashSet<>();
    if (!retry.requested()) {
      return retried;
    }
    for (NodeView n : nodes.values()) {
      NodeState st = states.get(n.name());
      if (!retry.covers(n.name())) {
        continue;
      }
      AgentView agent = n.agentOrEmpty();
      boolean failedStage = st == NodeState.STAGING && agent.failed(agent.instruction());
      boolean stuck =
          waitingForAgent(st)
              && StuckNodes.beforeSlot(n, st, s, drainBlockedSince.get(n.name())) != null;
      // Rolled back (spec.rollback or the failure policy) is also retried: the way to roll the
      // same commit forward again once the cause is fixed.
      boolean rolledBack = st == NodeState.ROLLED_BACK;
      if (st == NodeState.FAILED || st == NodeState.SKIPPED || rolledBack || failedStage || stuck) {
        steps.add(new NodeStep.Retry(n.name(), s.targetCommit()));
        states.put(n.name(), NodeState.STAGING);
        retried.add(n.name());
      }
    }
    return retried;
  }

  private static boolean waitingForAgent(NodeState st) {
    return st == NodeState.PENDING || st == NodeState.STAGING || st == NodeState.STAGED;
  }

  /**
   * Names the nodes outside a slot that are stuck (see {@link StuckNodes}) and applies the policy:
   * Skip records them skipped (terminal for this target); Stop returns them, to stop the rollout.
   */
  private static List<Blocker> stuckBeforeSlot(
      RolloutSnapshot s,
      Map<String, NodeView> nodes,
      Map<String, NodeState> states,
      Set<String> retried,
      Map<String, Instant> drainBlockedSince,
      List<NodeStep> steps,
      List<Blocker> blockers) {
    List<Blocker> stopping = new ArrayList<>();
    for (NodeView n : nodes.values()) {
      NodeState st = states.get(n.name());
      if (retried.contains(n.name()) || !waitingForAgent(st)) {
        continue;
      }
      Blocker b = StuckNodes.beforeSlot(n, st, s, drainBlockedSince.get(n.name()));
      if (b == null) {
        continue;
      }
      blockers.add(b);
      if (s.policy().skipStuck()) {
        steps.add(
            new NodeStep.RecordOutcome(
                n.name(),
                new Outcome(Kind.SKIPPED, s.targetCommit(), b.reason() + ": " + b.message())));
        states.put(n.name(), NodeState.SKIPPED);
      } else {
        stopping.add(b);
      }
    }
    return stopping;
  }

  /**
   * When a PodDisruptionBudget first refused each node, as the last status recorded it. A refusal
   * recorded before the node's current instruction does not count: a retry issues a fresh Stage,
   * and every deadline restarts with it, even if the status written with the retry was lost.
   */
  private static Map<String, Instant> drainBlockedSince(RolloutSnapshot s) {
    Map<String, Instant> issued = new HashMap<>();
    for (NodeView n : s.nodes()) {
      PlannedInstruction i = n.agentOrEmpty().instruction();
      if (i != null && i.issuedAt() != null) {
        issued.put(n.name(), i.issuedAt());
      }
    }
    Map<String, Instant> since = new HashMap<>();
    for (Blocker b : s.previousBlockers()) {
      boolean drain =
          b.reason().equals(StuckNodes.DRAIN_WOULD_BLOCK)
              || b.reason().equals(StuckNodes.DRAIN_BLOCKED);
      Instant instructed = issued.get(b.node());
      if (drain && b.since() != null && (instructed == null || !b.since().isBefore(instructed))) {
        since.merge(b.node(), b.since(), (x, y) -> x.isBefore(y) ? x : y);
      }
    }
    return since;
  }

  /**
   * A refused node that was not looked at again this time (no free slot) keeps its blocker and its
   * time, so the drain timeout counts from the first refusal, not from the last look.
   */
  private static void keepDrainBlockers(
      RolloutSnapshot s,
      Map<String, NodeState> states,
      List<NodeStep> steps,
      List<Blocker> blockers) {
    Set<String> named = blockers.stream().map(Blocker::node).collect(Collectors.toSet());
    Set<String> cordoned =
        steps.stream()
            .filter(st -> st instanceof NodeStep.Cordon)
            .map(NodeStep::node)
            .collect(Collectors.toSet());
    for (Blocker b : s.previousBlockers()) {
      if (b.reason().equals(StuckNodes.DRAIN_WOULD_BLOCK)
          && states.get(b.node()) == NodeState.STAGED
          && !named.contains(b.node())
          && !cordoned.contains(b.node())) {
        blockers.add(b);
        named.add(b.node());
      }
    }
  }

  /**
   * Nodes given up on as stuck (skipped, or released as failed after NeverReturned) stay named,
   * under the reason they were given up for, until retried.
   */
  private static void listSkipped(
      Map<String, NodeView> nodes, Map<String, NodeState> states, List<Blocker> blockers) {
    Set<String> named = blockers.stream().map(Blocker::node).collect(Collectors.toSet());
    for (NodeView n : nodes.values()) {
      Outcome o = n.agentOrEmpty().outcome();
      NodeState st = states.get(n.name());
      boolean givenUp = st == NodeState.SKIPPED || st == NodeState.FAILED;
      if (!givenUp || o == null || named.contains(n.name())) {
        continue;
      }
      String reason = StuckNodes.reasonOf(o.reason());
      if (reason != null) {
        String why = o.reason().substring(reason.length()).replaceFirst("^:\\s*", "");
        String verdict = st == NodeState.SKIPPED ? "skipped: " : "counted failed: ";
        blockers.add(new Blocker(n.name(), reason, verdict + why, null));
      }
    }
  }

  /** The next stuck-node deadline, so a silent cluster is looked at again in time. */
  private static Instant stuckDeadline(
      RolloutSnapshot s,
      Map<String, NodeView> nodes,
      Map<String, NodeState> states,
      Map<String, Instant> drainBlockedSince,
      List<Blocker> blockers) {
    Instant next = null;
    for (NodeView n : nodes.values()) {
      NodeState st = states.get(n.name());
      if (waitingForAgent(st)) {
        next = earliest(next, StuckNodes.nextDeadline(n, st, s, drainBlockedSince.get(n.name())));
      }
    }
    for (Blocker b : blockers) {
      if (b.reason().equals(StuckNodes.DRAIN_WOULD_BLOCK) && b.since() != null) {
        Instant at = b.since().plus(s.policy().drainTimeout());
        if (at.isAfter(s.now())) {
          next = earliest(next, at);
        }
      }
    }
    return next;
  }

  /**
   * spec.rollback: every updated node is marked, then goes through the same slot pipeline as any
   * disruption (budget, PDB pre-check, drain, health gate) in the rollout's node order, without
   * wave pauses or per-wave limits: the previous deployment is already known to work. A node with
   * no previous deployment is named, not cordoned.
   */
  private static void rollBackEveryUpdatedNode(
      RolloutSnapshot s,
      List<List<String>> waves,
      Map<String, NodeState> states,
      List<NodeStep> steps,
      List<Blocker> blockers,
      Map<String, Instant> drainBlockedSince) {
    Map<String, NodeView> byName =
        s.nodes().stream().collect(Collectors.toMap(NodeView::name, n -> n));
    List<String> marked = new ArrayList<>();
    for (String n : order(waves)) {
      if (states.get(n) == NodeState.UPDATED) {
        if (byName.get(n).agentOrEmpty().previousCommit() == null) {
          blockers.add(
              new Blocker(n, "NoRollbackDeployment", "no previous deployment to roll back to"));
        } else {
          steps.add(
              new NodeStep.RecordOutcome(
                  n, new Outcome(Kind.ROLLBACK_REQUESTED, s.targetCommit(), ROLLBACK_REASON)));
        }
      } else if (states.get(n) == NodeState.ROLLBACK_PENDING) {
        marked.add(n);
      }
    }
    cordon(
        s,
        marked,
        NodeState.ROLLBACK_PENDING,
        freeSlots(s, states),
        states,
        steps,
        blockers,
        drainBlockedSince);
  }

  static final String ROLLBACK_REASON = "spec.rollback";

  private static Phase rollbackPhase(Map<String, NodeState> states) {
    boolean left =
        states.values().stream()
            .anyMatch(
                st -> st == NodeState.UPDATED || st == NodeState.ROLLBACK_PENDING || st.inSlot());
    return left ? Phase.ROLLING_BACK : Phase.ROLLED_BACK;
  }

  private static Phase phase(
      boolean tripped, Progress progress, Gate gate, Map<String, NodeState> states) {
    if (tripped) {
      return Phase.FAILED;
    }
    if (gate.open()) {
      return Phase.ROLLING_OUT;
    }
    boolean inFlight = states.values().stream().anyMatch(NodeState::inSlot);
    return gate.waitPhase() == Phase.COMPLETED && inFlight ? Phase.ROLLING_OUT : gate.waitPhase();
  }

  private static Counts counts(RolloutSnapshot s, Map<String, NodeState> states, int failed) {
    return new Counts(
        s.nodes().size(),
        count(states, NodeState.STAGED),
        (int) states.values().stream().filter(NodeState::inSlot).count(),
        count(states, NodeState.UPDATED),
        failed,
        count(states, NodeState.SKIPPED),
        count(states, NodeState.STAGING),
        count(states, NodeState.ROLLED_BACK));
  }

  private static int count(Map<String, NodeState> states, NodeState state) {
    return (int) states.values().stream().filter(st -> st == state).count();
  }

  private static int firstIncomplete(List<List<String>> waves, Map<String, NodeState> states) {
    for (int i = 0; i < waves.size(); i++) {
      if (!waves.get(i).stream().allMatch(n -> states.get(n).terminal())) {
        return i;
      }
    }
    return waves.size();
  }

  static WaveRule rule(RolloutPolicy policy, int wave) {
    return wave < policy.waves().size() ? policy.waves().get(wave) : REMAINDER;
  }

  private static final WaveRule REMAINDER = new WaveRule(Quantity.percent(100), null, null);

  private static List<String> order(List<List<String>> waves) {
    return waves.stream().flatMap(List::stream).toList();
  }

  private static String targetVersion(RolloutSnapshot s) {
    return s.nodes().stream()
        .map(n -> n.agentOrEmpty().targetVersion())
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }
}
