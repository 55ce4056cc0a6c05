package dev.treewave.operator.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which OSImage may roll a node that more than one OSImage selects. Every OSImage's reconcile asks
 * the same question of the same facts, so they all agree without talking to each other:
 *
 * <ol>
 *   <li>A node in the middle of an update stays with the OSImage updating it (the one whose cordon
 *       is on it) until that OSImage has proven it healthy and released it. Taking it over then
 *       would leave a drained node half-way between two commits.
 *   <li>Otherwise the earliest-created live OSImage that selects the node owns it, with the name as
 *       a tie-break (creation timestamps have one-second resolution). Who claimed it first does not
 *       matter: that depends on which reconcile happened to run first, so it would not be
 *       reproducible. The later OSImage reports the conflict and leaves the node alone.
 * </ol>
 */
public final class NodeOwnership {
  private NodeOwnership() {}

  /** A live (not deleting) OSImage. A null creation time sorts last. */
  public record Claimant(String name, Instant createdAt) {}

  private static final Comparator<Claimant> SENIORITY =
      Comparator.comparing(
              Claimant::createdAt, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
          .thenComparing(Claimant::name);

  /**
   * @param selecting live OSImages whose node selector matches the node
   * @param cordonedBy the OSImage whose cordon is on the node (our annotation), or null
   * @param live names of all live OSImages
   * @return the owner, or empty when no live OSImage selects the node
   */
  public static Optional<String> owner(
      List<Claimant> selecting, String cordonedBy, Set<String> live) {
    if (cordonedBy != null && live.contains(cordonedBy)) {
      return Optional.of(cordonedBy);
    }
    return selecting.stream().min(SENIORITY).map(Claimant::name);
  }

  /** A node another OSImage owns, and whether that one is updating it right now. */
  public record Lost(String node, String owner, boolean midUpdate) {}

  /**
   * One line per owning OSImage for the Conflict condition, naming it and (up to ten of) the nodes,
   * e.g. {@code "osimage base (created earlier): a-00, a-01"}.
   */
  public static List<String> describe(List<Lost> lost) {
    Map<String, List<String>> byOwner = new LinkedHashMap<>();
    for (Lost l : lost) {
      String why = l.midUpdate() ? "updating them now" : "created earlier";
      byOwner.computeIfAbsent(l.owner() + " (" + why + ")", k -> new ArrayList<>()).add(l.node());
    }
    List<String> lines = new ArrayList<>();
    byOwner.forEach(
        (owner, nodes) -> {
          List<String> shown = nodes.stream().sorted().limit(10).toList();
          String more = nodes.size() > shown.size() ? " and " + (nodes.size() - 10) + " more" : "";
          lines.add("osimage " + owner + ": " + String.join(", ", shown) + more);
        });
    return lines;
  }
}
