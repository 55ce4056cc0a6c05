package dev.treewave.operator.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes users write them: "90s", "10m", "1h30m", "500ms". */
public final class GoDuration {
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|h|m|s)");

  private GoDuration() {}

  public static Duration parse(String field, String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidSpecException(field + ": empty duration");
    }
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
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
        // A spec written past the CRD's pattern: too many digits to be any real deadline.
        throw new InvalidSpecException(field + ": \"" + text + "\" is too long a duration");
      }
      end = m.end();
    }
    if (end != text.length()) {
      throw new InvalidSpecException(
          field + ": \"" + text + "\" is not a duration like 90s, 10m or 1h30m");
    }
    return total;
  }
}
