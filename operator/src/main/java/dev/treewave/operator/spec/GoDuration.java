package dev.treewave.operator.spec;

import dev.treewave.api.v1alpha1.Durations;
import java.time.Duration;

/** A spec field's duration, read by the project's one parser; a mistake names the field. */
public final class GoDuration {
  private GoDuration() {}

  public static Duration parse(String field, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(field + ": " + e.getMessage());
    }
  }
}
