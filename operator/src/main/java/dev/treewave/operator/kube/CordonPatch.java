package dev.treewave.operator.kube;

import io.fabric8.kubernetes.api.model.Node;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cordon and uncordon as one JSON patch decided on the Node as the cache shows it, with no read
 * first. Its first operation tests the cached {@code metadata.resourceVersion}: the API server
 * applies the patch only to exactly the Node the decision was made on (else 422), so a cordon, an
 * uncordon or a takeover by someone else that the cache has not seen yet is never overwritten; the
 * caller then decides again on a fresh read. A whole-object guard rather than {@code test}s of the
 * fields, because those fields are usually absent ({@code unschedulable: false} is omitted), and a
 * {@code test} for absence is not portable across JSON patch implementations. Pinned to one
 * version, the other operations are exact: a {@code remove} only names what is there.
 */
final class CordonPatch {
  private CordonPatch() {}

  /**
   * @return the operations, or empty when there is nothing to write: the node is already ours, or
   *     someone else cordoned it (never taken over: we could not tell whose to lift later)
   */
  static Optional<List<Map<String, Object>>> cordon(Node seen, String me, Instant now) {
    boolean cordoned =
        seen.getSpec() != null && Boolean.TRUE.equals(seen.getSpec().getUnschedulable());
    Map<String, String> annotations = seen.getMetadata().getAnnotations();
    String cordonedBy = annotations != null ? annotations.get(Annotations.CORDONED_BY) : null;
    boolean hasStart = annotations != null && annotations.get(Annotations.DRAIN_STARTED) != null;
    if (cordoned && (!me.equals(cordonedBy) || hasStart)) {
      return Optional.empty();
    }
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(pin(seen));
    if (annotations == null || annotations.isEmpty()) {
      // The model shows an absent map as empty; pinned to this version, setting it whole is exact.
      Map<String, String> ours = new LinkedHashMap<>();
      ours.put(Annotations.CORDONED_BY, me);
      ours.put(Annotations.DRAIN_STARTED, now.toString());
      ops.add(op("add", "/metadata/annotations", ours));
    } else {
      ops.add(op("add", annotation(Annotations.CORDONED_BY), me));
      if (!hasStart) {
        ops.add(op("add", annotation(Annotations.DRAIN_STARTED), now.toString()));
      }
    }
    ops.add(unschedulable(seen, true));
    return Optional.of(ops);
  }

  /**
   * @return the operations, or empty when the node is not ours: never uncordon what we did not
   *     cordon
   */
  static Optional<List<Map<String, Object>>> release(Node seen, String me) {
    Map<String, String> annotations = seen.getMetadata().getAnnotations();
    if (annotations == null || !me.equals(annotations.get(Annotations.CORDONED_BY))) {
      return Optional.empty();
    }
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(pin(seen));
    ops.add(op("remove", annotation(Annotations.CORDONED_BY), null));
    if (annotations.containsKey(Annotations.DRAIN_STARTED)) {
      ops.add(op("remove", annotation(Annotations.DRAIN_STARTED), null));
    }
    ops.add(unschedulable(seen, false));
    return Optional.of(ops);
  }

  private static Map<String, Object> pin(Node seen) {
    return op("test", "/metadata/resourceVersion", seen.getMetadata().getResourceVersion());
  }

  private static Map<String, Object> unschedulable(Node seen, boolean value) {
    return seen.getSpec() == null
        ? op("add", "/spec", Map.of("unschedulable", value))
        : op("add", "/spec/unschedulable", value);
  }

  private static String annotation(String key) {
    return "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1");
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.put("path", path);
    if (!op.equals("remove")) {
      m.put("value", value);
    }
    return m;
  }
}
