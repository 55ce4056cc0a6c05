package dev.treewave.ostree.cli.repo;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The date forms accepted for {@code --timestamp} and {@code --keep-younger-than}: {@code @EPOCH},
 * plain epoch seconds, {@code YYYY-MM-DD[ HH:MM[:SS]][ UTC]} and ISO 8601 with an offset.
 */
final class TimeParser {
  private TimeParser() {}

  static long parseEpochSeconds(String s) {
    String t = s.strip();
    if (t.startsWith("@")) {
      return Long.parseLong(t.substring(1));
    }
    if (t.matches("-?\\d+") && t.length() > 8) {
      return Long.parseLong(t);
    }
    try {
      return OffsetDateTime.parse(t).toEpochSecond();
    } catch (DateTimeParseException ignored) {
      // try the other forms
    }
    String noZone = t.replaceAll("(?i)\\s*(UTC|Z|\\+0000|\\+00:00)$", "").replace('T', ' ');
    for (String pattern : new String[] {"yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"}) {
      try {
        return LocalDateTime.parse(noZone, DateTimeFormatter.ofPattern(pattern))
            .toEpochSecond(ZoneOffset.UTC);
      } catch (DateTimeParseException ignored) {
        // next
      }
    }
    try {
      return LocalDate.parse(noZone).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("Could not parse '" + s + "' as a date");
    }
  }
}
