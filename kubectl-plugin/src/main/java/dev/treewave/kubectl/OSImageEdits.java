package dev.treewave.kubectl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.treewave.api.v1alpha1.OSImage;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writes the plugin makes, as JSON merge patches (RFC 7386): one field or annotation each, the
 * same a person would set with {@code kubectl patch} or {@code kubectl annotate}. A {@code null}
 * value removes the field, so a resumed OSImage looks as if it had never been paused.
 */
public final class OSImageEdits {
  /** A plain mapper: it writes null map values, which is how a merge patch removes a field. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private OSImageEdits() {}

  /** spec.paused: no new node is disrupted; nodes in flight finish. */
  public static String pause() {
    return spec("paused", true);
  }

  /**
   * Drops spec.paused and the abort annotation; with {@code wave} also lifts the untilResumed pause
   * before that wave.
   */
  public static String resume(Integer wave) {
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put(OSImage.ABORT_ANNOTATION, null);
    if (wave != null) {
      annotations.put(OSImage.RESUME_WAVE_ANNOTATION, Integer.toString(wave));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("paused", null);
    return json(Map.of("metadata", Map.of("annotations", annotations), "spec", spec));
  }

  /**
   * Retries the named failed, skipped or stuck nodes, or all of them when {@code nodes} is empty.
   */
  public static String retry(Collection<String> nodes) {
    String value = nodes.isEmpty() ? "all" : String.join(",", nodes);
    return annotation(OSImage.RETRY_ANNOTATION, value);
  }

  /**
   * spec.rollback: every updated node goes back to its previous deployment; {@code false} undoes.
   */
  public static String rollback(boolean on) {
    return spec("rollback", on ? Boolean.TRUE : null);
  }

  /** The abort annotation, whose value is the reason shown in status. */
  public static String abort(String reason) {
    return annotation(OSImage.ABORT_ANNOTATION, reason);
  }

  private static String spec(String field, Object value) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put(field, value);
    return json(Map.of("spec", spec));
  }

  private static String annotation(String key, String value) {
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put(key, value);
    return json(Map.of("metadata", Map.of("annotations", annotations)));
  }

  private static String json(Object patch) {
    try {
      return JSON.writeValueAsString(patch);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
  }
}
