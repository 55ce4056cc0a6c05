package dev.treewave.operator.plan;

import dev.treewave.operator.plan.AgentView.PlannedInstruction;
import dev.treewave.operator.plan.RolloutPlan.Blocker;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Decides whether a node is stuck: it makes no progress, and waiting longer will not help without a
 * person or the stuck-node policy. Pure. Every stuck node gets one reason from a fixed list and the
 * time it has been stuck since:
 *
 * <ul>
 *   <li>{@code HostUnmanaged}: the agent reports the host Unmanaged (not an OSTree system, managed
 *       by another tool, unusable journal); stuck at once, no deadline helps.
 *   <li>{@code AgentMissing}: an instruction was issued, but no agent ever wrote the OSNode status,
 *       for the agent-silence deadline (no agent pod, a crash loop, a pool the DaemonSet misses).
 *   <li>{@code AgentSilent}: the agent reported before, but not for the agent-silence deadline (its
 *       heartbeat refreshes {@code status.lastSeen} every few minutes).
 *   <li>{@code StageTimedOut}: the agent is alive but has not staged within the stage deadline.
 *   <li>{@code DrainBlocked}: a PodDisruptionBudget has refused eviction for the drain timeout,
 *       counted from the first refusal, before or after the cordon.
 *   <li>{@code NeverReturned}: told to activate (reboot), the agent has not reported since for the
 *       agent-silence deadline. It is never sent a Rollback it cannot carry out.
 * </ul>
 */
final class StuckNodes {
  static final String HOST_UNMANAGED = "HostUnmanaged";
  static final String AGENT_MISSING = "AgentMissing";
  static final String AGENT_SILENT = "AgentSilent";
  static final String STAGE_TIMED_OUT = "StageTimedOut";
  static final String DRAIN_BLOCKED = "DrainBlocked";
  static final String DRAIN_TIMED_OUT = "DrainTimedOut";
  static final String NEVER_RETURNED = "NeverReturned";

  /** The pre-cordon blocker: a PDB refuses eviction now; stuck once it lasts the drain timeout. */
  static final String DRAIN_WOULD_BLOCK = "DrainWouldBlock";

  /** Reasons a skipped node keeps being listed under (from its recorded outcome). */
  static final Set<String> REASONS =
      Set.of(
          HOST_UNMANAGED,
          AGENT_MISSING,
          AGENT_SILENT,
          STAGE_TIMED_OUT,
          DRAIN_BLOCKED,
          DRAIN_TIMED_OUT,
          NEVER_RETURNED);

  private StuckNodes() {}

  /**
   * Why a node that does not hold a slot (pending, staging, staged) is stuck now, or null.
   *
   * @param drainBlockedSince when a PDB first refused this node's eviction, or null
   */
  static Blocker beforeSlot(
      NodeView node, NodeState state, RolloutSnapshot s, Instant drainBlockedSince) {
    AgentView agent = node.agentOrEmpty();
    if (agent.unmanaged() != null) {
      return new Blocker(
          node.name(),
          HOST_UNMANAGED,
          "the agent does not manage this host: " + agent.unmanaged(),
          agent.lastSeen());
    }
    Blocker silent = silent(node, s);
    if (silent != null) {
      return silent;
    }
    PlannedInstruction i = agent.instruction();
    Duration stage = s.policy().stageTimeout();
    if (state == NodeState.STAGING
        && i != null
        && i.issuedAt() != null
        && !s.now().isBefore(i.issuedAt().plus(stage))) {
      return new Blocker(
          node.name(),
          STAGE_TIMED_OUT,
          "not staged within "
              + stage
              + (agent.retrying() != null ? "; the agent is retrying " + agent.retrying() : ""),
          i.issuedAt());
    }
    Duration drain = s.policy().drainTimeout();
    if (state == NodeState.STAGED
        && drainBlockedSince != null
        && !s.now().isBefore(drainBlockedSince.plus(drain))) {
      return new Blocker(
          node.name(),
          DRAIN_BLOCKED,
          "a PodDisruptionBudget has refused eviction for longer than the drain timeout " + drain,
          drainBlockedSince);
    }
    return null;
  }

  /** The agent never reported, or stopped reporting, for the agent-silence deadline; or null. */
  static Blocker silent(NodeView node, RolloutSnapshot s) {
    AgentView agent = node.agentOrEmpty();
    Duration limit = s.policy().agentSilence();
    PlannedInstruction i = agent.instruction();
    if (!agent.reported()) {
      if (i != null && i.issuedAt() != null && !s.now().isBefore(i.issuedAt().plus(limit))) {
        return new Blocker(
            node.name(),
            AGENT_MISSING,
            "no node agent has ever reported for this node (OSNode has no status) "
                + limit
                + " after the "
                + i.action()
                + " instruction; is the agent pod running there?",
            i.issuedAt());
      }
      return null;
    }
    Instant seen = agent.lastSeen();
    if (seen != null && !s.now().isBefore(seen.plus(limit))) {
      return new Blocker(
          node.name(),
          AGENT_SILENT,
          "the node agent has not reported since " + seen + " (silence deadline " + limit + ")",
          seen);
    }
    return null;
  }

  /**
   * The next time one of this node's deadlines passes, so the operator looks again then even if
   * nothing in the cluster changes (a dead agent writes nothing); null for none.
   */
  static Instant nextDeadline(
      NodeView node, NodeState state, RolloutSnapshot s, Instant drainBlockedSince) {
    AgentView agent = node.agentOrEmpty();
    PlannedInstruction i = agent.instruction();
    Instant next = null;
    if (!agent.reported() && i != null && i.issuedAt() != null) {
      next = later(next, i.issuedAt().plus(s.policy().agentSilence()), s.now());
    }
    if (agent.lastSeen() != null && silenceIsNamed(state)) {
      // Wherever the planner names a silent agent, it must look again at the deadline by itself,
      // even paused: a dead agent writes nothing, and Node heartbeats do not wake the operator.
      next = later(next, agent.lastSeen().plus(s.policy().agentSilence()), s.now());
    }
    if (state == NodeState.STAGING && i != null && i.issuedAt() != null) {
      next = later(next, i.issuedAt().plus(s.policy().stageTimeout()), s.now());
    }
    if (state == NodeState.STAGED && drainBlockedSince != null) {
      next = later(next, drainBlockedSince.plus(s.policy().drainTimeout()), s.now());
    }
    return next;
  }

  /**
   * The states in which the planner names an agent silent: before a slot ({@link #beforeSlot}) and
   * in the slot states that wait for the agent. Not once the node is done or draining: an idle
   * agent's silence does not matter to the rollout.
   */
  private static boolean silenceIsNamed(NodeState state) {
    return state == NodeState.PENDING
        || state == NodeState.STAGING
        || state == NodeState.STAGED
        || state == NodeState.ACTIVATING
        || state == NodeState.ROLLING_BACK;
  }

  /** The earlier of {@code current} and {@code candidate}, counting only future times. */
  private static Instant later(Instant current, Instant candidate, Instant now) {
    if (!candidate.isAfter(now)) {
      return current;
    }
    return current == null || candidate.isBefore(current) ? candidate : current;
  }

  /** The stuck reason a skipped node was recorded with ("Reason: message"), or null. */
  static String reasonOf(String outcomeReason) {
    if (outcomeReason == null) {
      return null;
    }
    int colon = outcomeReason.indexOf(':');
    String reason = colon > 0 ? outcomeReason.substring(0, colon) : outcomeReason;
    return REASONS.contains(reason) ? reason : null;
  }
}
