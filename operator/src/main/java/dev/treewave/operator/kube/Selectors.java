package dev.treewave.operator.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Label selector matching, as the API server does it, for objects already in memory. */
public final class Selectors {
  private Selectors() {}

  /** A null or empty selector matches everything (Kubernetes convention for node selectors). */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> l = labels != null ? labels : Map.of();
    if (selector == null) {
      return true;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!Objects.equals(l.get(e.getKey()), e.getValue())) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!matches(r, l)) {
          return false;
        }
      }
    }
    return true;
  }

  public static boolean matchesAny(List<LabelSelector> selectors, Map<String, String> labels) {
    return selectors.stream().anyMatch(s -> matches(s, labels));
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    List<String> values = r.getValues() != null ? r.getValues() : List.of();
    String value = labels.get(r.getKey());
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> throw new IllegalArgumentException("unknown selector operator " + r.getOperator());
    };
  }
}
