package dev.treewave.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of durations as Kubernetes users write them ("90s", "10m", "1h30m", "500ms"), for
 * the operator's spec and the agent's flags alike, with the grammar of {@link Patterns#DURATION}.
 * Not fabric8's {@code Duration.parse}: it reads "1.5h" as 5 hours and "-5m" as 5 minutes, where a
 * person means something else or made a mistake.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|h|m|s)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the text, in words a person can act on
   */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      try {
        long n = Long.parseLong(m.group(1));
        total =
            total.plus(
                switch (m.group(2)) {
                  case "h" -> Duration.ofHours(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "s" -> Duration.ofSeconds(n);
                  default -> Duration.ofMillis(n);
                });
      } catch (NumberFormatException | ArithmeticException e) {
        throw new IllegalArgumentException("\"" + text + "\" is too long a duration");
      }
      end = m.end();
    }
    if (end != text.length()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a duration like 90s, 10m or 1h30m");
    }
    return total;
  }
}
