package dev.treewave.agent.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.treewave.agent.state.NodeReport;
import dev.treewave.agent.state.StatusReporter;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes the agent's report to its OSNode's status subresource with a JSON merge patch that holds
 * only the status, so it never touches the operator's spec and needs no resourceVersion. Fields the
 * report no longer has are sent as null, which removes them (a merge patch leaves absent fields
 * alone). An unchanged status is not sent again, except after {@code refreshAfter} (the heartbeat,
 * which refreshes {@code lastSeen}).
 */
public final class OsNodeStatusReporter implements StatusReporter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String nodeName;
  private final Supplier<OSNode> current;
  private final Clock clock;
  private final Duration refreshAfter;

  private volatile Long observedGeneration;
  private volatile Instant lastSuccess;
  private OSNodeStatus lastSent;
  private Instant lastSentAt = Instant.MIN;

  /**
   * @param current the node's OSNode as last seen (informer cache), or null if it does not exist
   */
  public OsNodeStatusReporter(
      KubernetesClient client,
      String nodeName,
      Supplier<OSNode> current,
      Clock clock,
      Duration refreshAfter) {
    this.client = client;
    this.nodeName = nodeName;
    this.current = current;
    this.clock = clock;
    this.refreshAfter = refreshAfter;
  }

  /** The spec generation the agent is acting on, reported as {@code observedGeneration}. */
  public void observedGeneration(Long generation) {
    observedGeneration = generation;
  }

  /** When a report last reached the API server, or null. */
  public Instant lastSuccess() {
    return lastSuccess;
  }

  @Override
  public synchronized void report(NodeReport report) throws Exception {
    OSNode node = current.get();
    if (node == null) {
      throw new IllegalStateException(
          "OSNode " + nodeName + " does not exist (yet); the operator creates it");
    }
    List<Condition> previous =
        lastSent != null
            ? lastSent.conditionsOrEmpty()
            : node.getStatus() != null ? node.getStatus().conditionsOrEmpty() : List.of();
    Instant now = clock.instant();
    OSNodeStatus status = StatusMapper.toStatus(report, observedGeneration, previous, now);
    // lastSeen alone changes on every pass: it is written only with a real change or as the
    // heartbeat, so an idle fleet of 1000 nodes costs 1000 writes per heartbeat interval.
    boolean unchanged = lastSent != null && sameButLastSeen(status, lastSent);
    if (unchanged && now.isBefore(lastSentAt.plus(refreshAfter))) {
      return;
    }
    client
        .resources(OSNode.class)
        .withName(nodeName)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), statusPatch(status));
    lastSent = status;
    lastSentAt = now;
    lastSuccess = now;
  }

  private static boolean sameButLastSeen(OSNodeStatus a, OSNodeStatus b) {
    return StatusMapper.withLastSeen(a, null).equals(StatusMapper.withLastSeen(b, null));
  }

  /**
   * A JSON patch ({@code add} on {@code /status}) that replaces the whole status: the agent is its
   * only writer, and unlike a merge patch this also drops fields the report no longer has.
   */
  private String statusPatch(OSNodeStatus status) throws Exception {
    Object value = client.getKubernetesSerialization().convertValue(status, Map.class);
    Map<String, Object> operation = new LinkedHashMap<>();
    operation.put("op", "add");
    operation.put("path", "/status");
    operation.put("value", value);
    return JSON.writeValueAsString(List.of(operation));
  }
}
