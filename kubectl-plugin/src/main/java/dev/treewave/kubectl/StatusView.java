package dev.treewave.kubectl;

import dev.treewave.api.v1alpha1.AgentError;
import dev.treewave.api.v1alpha1.BootedDeployment;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeCounts;
import dev.treewave.api.v1alpha1.NodeIssue;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.api.v1alpha1.WaveStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One screen that answers "where is the rollout and what is it waiting for": the phase and the
 * reason, who paused or aborted it, each wave, each node with its agent, instruction and booted
 * commit, and the blockers with how long they have been there. Pure: objects in, text out.
 */
public final class StatusView {
  private static final int SHORT_COMMIT = 12;

  private StatusView() {}

  /** One line per OSImage, for {@code status} without a name. */
  public static String list(List<OSImage> images) {
    Table t = new Table("NAME", "PHASE", "TARGET", "WAVE", "UPDATED", "FAILED", "WAITING FOR");
    for (OSImage image : images) {
      OSImageStatus s = image.getStatus();
      NodeCounts n = s != null ? s.nodes() : null;
      t.row(
          image.getMetadata().getName(),
          s != null && s.phase() != null ? s.phase().name() : "-",
          s != null ? version(s.targetCommit(), s.targetVersion()) : "-",
          s != null && s.currentWave() != null ? s.currentWave().toString() : "-",
          n != null ? num(n.updated()) + "/" + num(n.total()) : "-",
          n != null ? num(n.failed()) : "-",
          cut(waitingFor(image), 80));
    }
    return images.isEmpty() ? "No OSImages found.\n" : t.render();
  }

  /** The whole picture of one OSImage and the OSNodes it owns. */
  public static String render(OSImage image, List<OSNode> nodes, Instant now) {
    StringBuilder out = new StringBuilder();
    OSImageStatus s = image.getStatus();
    String name = image.getMetadata().getName();
    if (s == null) {
      return "OSImage " + name + ": no status yet (is the operator running?)\n";
    }
    NodeCounts n = s.nodes();
    out.append("OSImage ")
        .append(name)
        .append("  phase ")
        .append(s.phase() != null ? s.phase() : "-")
        .append("  target ")
        .append(version(s.targetCommit(), s.targetVersion()));
    if (n != null) {
      out.append("  updated ")
          .append(num(n.updated()))
          .append('/')
          .append(num(n.total()))
          .append("  failed ")
          .append(num(n.failed()))
          .append("  skipped ")
          .append(num(n.skipped()));
    }
    out.append('\n');
    String waiting = waitingFor(image);
    if (!waiting.isEmpty()) {
      out.append("Waiting for: ").append(waiting).append('\n');
    }
    Map<String, String> annotations = image.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(OSImage.ABORT_ANNOTATION)) {
      out.append("Aborted: ")
          .append(annotations.get(OSImage.ABORT_ANNOTATION))
          .append(" (kubectl treewave resume ")
          .append(name)
          .append(" to go on)\n");
    } else if (image.getSpec() != null && image.getSpec().isPaused()) {
      out.append("Paused by spec.paused (kubectl treewave resume ").append(name).append(")\n");
    }
    if (image.getSpec() != null && image.getSpec().isRollback()) {
      out.append("Rolling back: spec.rollback is set\n");
    }
    for (Condition c : s.conditionsOrEmpty()) {
      if ("True".equals(c.getStatus()) && List.of("Stalled", "Degraded").contains(c.getType())) {
        out.append(c.getType())
            .append(": ")
            .append(c.getReason())
            .append(" - ")
            .append(c.getMessage())
            .append('\n');
      }
    }

    Map<String, Integer> waveOf = new LinkedHashMap<>();
    if (!s.wavesOrEmpty().isEmpty()) {
      out.append('\n');
      Table waves = new Table("WAVE", "STATE", "NODES", "UPDATED", "PAUSED UNTIL");
      for (WaveStatus w : s.wavesOrEmpty()) {
        w.nodesOrEmpty().forEach(node -> waveOf.put(node, w.index()));
        waves.row(
            Objects.toString(w.index(), "-"),
            w.state() != null ? w.state().name() : "-",
            Integer.toString(w.nodesOrEmpty().size()),
            num(w.updated()) + "/" + w.nodesOrEmpty().size(),
            w.pausedUntil() != null ? w.pausedUntil() : "");
      }
      out.append(waves.render());
    }

    Map<String, NodeIssue> blockerOf = new LinkedHashMap<>();
    List<NodeIssue> blockers = s.blockers() != null ? s.blockers() : List.of();
    blockers.forEach(b -> blockerOf.putIfAbsent(b.node(), b));
    if (!nodes.isEmpty()) {
      out.append('\n');
      Table table =
          new Table("NODE", "WAVE", "AGENT", "INSTRUCTION", "BOOTED", "LAST SEEN", "NOTE");
      List<OSNode> sorted = new ArrayList<>(nodes);
      sorted.sort(
          (a, b) -> {
            int wa = waveOf.getOrDefault(a.getMetadata().getName(), Integer.MAX_VALUE);
            int wb = waveOf.getOrDefault(b.getMetadata().getName(), Integer.MAX_VALUE);
            return wa != wb
                ? Integer.compare(wa, wb)
                : a.getMetadata().getName().compareTo(b.getMetadata().getName());
          });
      for (OSNode node : sorted) {
        String nodeName = node.getMetadata().getName();
        OSNodeStatus ns = node.getStatus();
        Instruction instr = node.getSpec() != null ? node.getSpec().instruction() : null;
        BootedDeployment booted = ns != null ? ns.booted() : null;
        Integer wave = waveOf.get(nodeName);
        table.row(
            nodeName,
            wave != null ? wave.toString() : "-",
            ns != null && ns.agentState() != null ? ns.agentState().name() : "(no report)",
            instr != null && instr.action() != null ? instr.action().name() : "-",
            booted != null ? version(booted.commit(), booted.version()) : "-",
            ns != null ? ago(ns.lastSeen(), now) : "-",
            cut(note(blockerOf.get(nodeName), ns), 70));
      }
      out.append(table.render());
    }

    if (!blockers.isEmpty()) {
      out.append("\nBlockers:\n");
      for (NodeIssue b : blockers) {
        out.append("  ")
            .append(b.node())
            .append("  ")
            .append(b.reason())
            .append(": ")
            .append(b.message());
        String since = ago(b.since() != null ? b.since() : b.time(), now);
        if (!since.equals("-")) {
          out.append(" (for ").append(since).append(')');
        }
        out.append('\n');
      }
    }
    if (s.lastFailure() != null) {
      NodeIssue f = s.lastFailure();
      out.append("\nLast failure: ")
          .append(f.node())
          .append("  ")
          .append(f.reason())
          .append(": ")
          .append(f.message())
          .append('\n');
    }
    return out.toString();
  }

  /** The Reconciling condition's message when it explains a wait, else the Ready one's. */
  static String waitingFor(OSImage image) {
    if (image.getStatus() == null) {
      return "";
    }
    String reconciling = "";
    String ready = "";
    for (Condition c : image.getStatus().conditionsOrEmpty()) {
      if ("Reconciling".equals(c.getType()) && "True".equals(c.getStatus())) {
        reconciling = Objects.toString(c.getMessage(), "");
      } else if ("Ready".equals(c.getType())) {
        ready = Objects.toString(c.getMessage(), "");
      }
    }
    return reconciling.isEmpty() ? ready : reconciling;
  }

  private static String note(NodeIssue blocker, OSNodeStatus status) {
    if (blocker != null) {
      return blocker.reason() + ": " + blocker.message();
    }
    if (status != null && status.lastError() != null) {
      AgentError e = status.lastError();
      return e.reason() + ": " + e.message();
    }
    if (status != null && status.retrying() != null) {
      return "retrying: " + status.retrying().reason() + ": " + status.retrying().message();
    }
    return "";
  }

  static String version(String commit, String version) {
    if (commit == null) {
      return "-";
    }
    String shortCommit =
        commit.length() > SHORT_COMMIT ? commit.substring(0, SHORT_COMMIT) : commit;
    return version != null ? shortCommit + " (" + version + ")" : shortCommit;
  }

  /** "42s", "5m", "3h", "2d" since an RFC 3339 time; "-" when absent or unreadable. */
  static String ago(String rfc3339, Instant now) {
    if (rfc3339 == null) {
      return "-";
    }
    try {
      Duration d = Duration.between(Instant.parse(rfc3339), now);
      if (d.isNegative()) {
        return "0s";
      }
      long s = d.getSeconds();
      if (s < 120) {
        return s + "s";
      }
      if (s < 2 * 3600) {
        return s / 60 + "m";
      }
      if (s < 48 * 3600) {
        return s / 3600 + "h";
      }
      return s / 86400 + "d";
    } catch (DateTimeParseException e) {
      return "-";
    }
  }

  private static String num(Integer n) {
    return n != null ? n.toString() : "0";
  }

  private static String cut(String s, int max) {
    String oneLine = s.replaceAll("\\s+", " ").strip();
    return oneLine.length() > max ? oneLine.substring(0, max - 3) + "..." : oneLine;
  }

  /** Columns padded like kubectl's: the widest cell plus three spaces. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      rows.add(header);
    }

    void row(String... cells) {
      rows.add(cells);
    }

    String render() {
      int columns = rows.get(0).length;
      int[] width = new int[columns];
      for (String[] r : rows) {
        for (int i = 0; i < columns; i++) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      StringBuilder out = new StringBuilder();
      for (String[] r : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns; i++) {
          line.append(r[i]);
          if (i < columns - 1) {
            line.append(" ".repeat(width[i] - r[i].length() + 3));
          }
        }
        out.append(line.toString().stripTrailing()).append('\n');
      }
      return out.toString();
    }
  }
}
