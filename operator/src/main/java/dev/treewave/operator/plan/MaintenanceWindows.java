package dev.treewave.operator.plan;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Weekly windows in which nodes may be disrupted. No windows at all means always open. A window may
 * run past midnight or over several days; times are wall-clock in the window's zone, so they follow
 * daylight-saving changes.
 */
public record MaintenanceWindows(List<Window> windows) {

  public static final MaintenanceWindows ALWAYS = new MaintenanceWindows(List.of());

  public MaintenanceWindows {
    windows = List.copyOf(windows);
  }

  public static MaintenanceWindows of(Window... windows) {
    return new MaintenanceWindows(List.of(windows));
  }

  public boolean isOpen(Instant now) {
    return windows.isEmpty() || windows.stream().anyMatch(w -> w.contains(now));
  }

  /** The next time a window opens after {@code now}; empty when always open. */
  public Optional<Instant> nextOpening(Instant now) {
    return windows.stream().map(w -> w.nextStartAfter(now)).min(Instant::compareTo);
  }

  /** One weekly window. */
  public record Window(Set<DayOfWeek> days, LocalTime start, Duration length, ZoneId zone) {

    public Window {
      days = Set.copyOf(days);
      if (days.isEmpty() || length.isZero() || length.isNegative()) {
        throw new IllegalArgumentException("a window needs days and a positive duration");
      }
    }

    boolean contains(Instant now) {
      LocalDate today = now.atZone(zone).toLocalDate();
      // A window that opened up to length+1 days ago may still be open.
      for (long back = 0; back <= length.toDays() + 1; back++) {
        LocalDate day = today.minusDays(back);
        if (days.contains(day.getDayOfWeek())) {
          Instant opens = ZonedDateTime.of(day, start, zone).toInstant();
          if (!now.isBefore(opens) && now.isBefore(opens.plus(length))) {
            return true;
          }
        }
      }
      return false;
    }

    Instant nextStartAfter(Instant now) {
      LocalDate today = now.atZone(zone).toLocalDate();
      for (int ahead = 0; ahead <= 8; ahead++) {
        LocalDate day = today.plusDays(ahead);
        if (days.contains(day.getDayOfWeek())) {
          Instant opens = ZonedDateTime.of(day, start, zone).toInstant();
          if (opens.isAfter(now)) {
            return opens;
          }
        }
      }
      throw new IllegalStateException("a weekly window always opens within 8 days");
    }
  }
}
