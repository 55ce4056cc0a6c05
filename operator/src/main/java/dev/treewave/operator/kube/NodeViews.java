package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.AgentError;
import dev.treewave.api.v1alpha1.AgentRetry;
import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.operator.plan.AgentView;
import dev.treewave.operator.plan.AgentView.Outcome;
import dev.treewave.operator.plan.NodeView;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reads a Node and its OSNode into the planner's view. Unparseable bits count as absent. */
public final class NodeViews {
  private NodeViews() {}

  public static NodeView of(
      Node node,
      OSNode osNode,
      String imageName,
      String target,
      boolean drained,
      List<String> podsToEvict,
      List<String> drainBlockers,
      boolean podsHealthy) {
    Map<String, String> annotations = annotations(node.getMetadata().getAnnotations());
    Optional<NodeCondition> ready =
        node.getStatus() == null || node.getStatus().getConditions() == null
            ? Optional.empty()
            : node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .findFirst();
    boolean isReady = ready.map(c -> "True".equals(c.getStatus())).orElse(false);
    return new NodeView(
        node.getMetadata().getName(),
        labels(node).get(Annotations.ZONE_LABEL),
        isReady,
        isReady ? ready.map(c -> time(c.getLastTransitionTime())).orElse(null) : null,
        node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable()),
        imageName.equals(annotations.get(Annotations.CORDONED_BY)),
        time(annotations.get(Annotations.DRAIN_STARTED)),
        drained,
        podsToEvict,
        drainBlockers,
        podsHealthy,
        osNode != null ? agent(osNode, target) : null);
  }

  static AgentView agent(OSNode osNode, String target) {
    Instruction i = osNode.getSpec() != null ? osNode.getSpec().instruction() : null;
    OSNodeStatus s = osNode.getStatus();
    List<OSDeployment> deployments = s != null ? s.deploymentsOrEmpty() : List.of();
    String booted = s != null && s.booted() != null ? s.booted().commit() : null;
    // Only a terminal state makes lastError a failure; an error the agent is still retrying (in
    // status.retrying, or in lastError from an agent that predates that field) never does.
    boolean terminal =
        s != null
            && (s.agentState() == AgentState.Failed || s.agentState() == AgentState.BootFailed);
    AgentError error = terminal ? s.lastError() : null;
    return new AgentView(
        i == null
            ? null
            : new AgentView.PlannedInstruction(i.id(), action(i), i.commit(), time(i.issuedAt())),
        s != null ? s.lastCompletedInstructionId() : null,
        error != null ? error.instructionId() : null,
        error != null ? error.reason() + ": " + error.message() : null,
        booted,
        deployments.stream()
            .filter(d -> d.isStaged() || Boolean.TRUE.equals(d.pending()))
            .map(OSDeployment::commit)
            .findFirst()
            .orElse(null),
        previous(deployments, booted),
        version(s, deployments, target),
        outcome(annotations(osNode.getMetadata().getAnnotations())),
        s != null,
        s != null ? time(s.lastSeen()) : null,
        s != null && s.agentState() == AgentState.Unmanaged ? unmanaged(s) : null,
        s != null ? retrying(s.retrying()) : null);
  }

  /** The Unmanaged condition's reason and message, else a generic sentence. */
  private static String unmanaged(OSNodeStatus s) {
    return s.conditionsOrEmpty().stream()
        .filter(c -> "Unmanaged".equals(c.getType()) && "True".equals(c.getStatus()))
        .map(c -> c.getReason() + ": " + c.getMessage())
        .findFirst()
        .orElse("the agent reports the host as Unmanaged");
  }

  private static String retrying(AgentRetry r) {
    if (r == null) {
      return null;
    }
    return r.reason()
        + ": "
        + r.message()
        + " (attempt "
        + r.attempt()
        + (r.maxAttempts() != null ? " of " + r.maxAttempts() : "")
        + (r.nextRetryAt() != null ? ", next at " + r.nextRetryAt() : "")
        + ")";
  }

  private static AgentView.Action action(Instruction i) {
    return switch (i.action()) {
      case None -> AgentView.Action.NONE;
      case Stage -> AgentView.Action.STAGE;
      case Activate -> AgentView.Action.ACTIVATE;
      case Rollback -> AgentView.Action.ROLLBACK;
    };
  }

  /** The rollback deployment, else any other deployment than the booted one. */
  private static String previous(List<OSDeployment> deployments, String booted) {
    return deployments.stream()
        .filter(OSDeployment::isRollback)
        .map(OSDeployment::commit)
        .findFirst()
        .or(
            () ->
                deployments.stream()
                    .filter(
                        d -> !d.isBooted() && !d.isStaged() && !Objects.equals(d.commit(), booted))
                    .map(OSDeployment::commit)
                    .findFirst())
        .orElse(null);
  }

  private static String version(OSNodeStatus s, List<OSDeployment> deployments, String target) {
    if (s != null && s.booted() != null && target.equals(s.booted().commit())) {
      return s.booted().version();
    }
    return deployments.stream()
        .filter(d -> target.equals(d.commit()) && d.version() != null)
        .map(OSDeployment::version)
        .findFirst()
        .orElse(null);
  }

  /** "Failed <commit>" plus the reason annotation. */
  static Outcome outcome(Map<String, String> annotations) {
    String value = annotations.get(Annotations.OUTCOME);
    if (value == null) {
      return null;
    }
    String[] parts = value.trim().split(" ", 2);
    if (parts.length != 2) {
      return null;
    }
    try {
      return new Outcome(
          Outcome.Kind.valueOf(parts[0]), parts[1], annotations.get(Annotations.OUTCOME_REASON));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String outcomeValue(Outcome outcome) {
    return outcome.kind().name() + " " + outcome.commit();
  }

  private static Map<String, String> labels(Node node) {
    return node.getMetadata().getLabels() != null ? node.getMetadata().getLabels() : Map.of();
  }

  private static Map<String, String> annotations(Map<String, String> a) {
    return a != null ? a : Map.of();
  }

  /**
   * Kubernetes writes its timestamps as {@code 2026-12-07T10:00:00Z}; those are read by hand here,
   * anything else (fractions, a leap second, nonsense) by {@link Instant#parse}. A pass at 1000
   * nodes parses thousands of them, and {@code Instant.parse} was 4% of the operator's CPU (JFR,
   * operator/bench).
   */
  static Instant time(String rfc3339) {
    if (rfc3339 == null || rfc3339.isBlank()) {
      return null;
    }
    Instant plain = wholeSecondsUtc(rfc3339);
    if (plain != null) {
      return plain;
    }
    try {
      return Instant.parse(rfc3339);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code yyyy-MM-ddTHH:mm:ssZ} in range, else null. */
  private static Instant wholeSecondsUtc(String s) {
    if (s.length() != 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    // -1 is a non-digit; a second of 60 (leap) is left to Instant.parse
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > YearMonth.of(year, month).lengthOfMonth()
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    long days = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second);
  }

  /** The decimal number in {@code s[from, to)}, or -1 unless all of it is ASCII digits. */
  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
