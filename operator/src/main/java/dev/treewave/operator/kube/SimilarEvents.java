package dev.treewave.operator.kube;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides when Events of one object, type and reason that differ only in their message are combined
 * into one, as client-go's {@code EventAggregator} does: a rollout of a thousand nodes says
 * "n-0042: cordoned" a thousand times, which as a thousand Events costs a thousand writes and
 * buries everything else in {@code kubectl describe}. The first {@code distinct - 1} messages of a
 * group stay Events of their own; from the {@code distinct}-th on, every message of the group goes
 * into one combined Event, until the group has been quiet for {@code quiet}.
 *
 * <p>Not thread-safe: the event sender's thread owns it. Remembers at most {@code remembered}
 * groups, the least recently seen forgotten first.
 */
final class SimilarEvents {

  /** The part of an Event's identity that similar Events share: all but the message. */
  record Group(String uid, String name, String type, String reason) {}

  private static final class Window {
    final Set<String> messages = new HashSet<>();
    Instant last;

    Window(Instant at) {
      this.last = at;
    }
  }

  private final int distinct;
  private final Duration quiet;
  private final Map<Group, Window> windows;

  SimilarEvents(int distinct, Duration quiet, int remembered) {
    this.distinct = distinct;
    this.quiet = quiet;
    this.windows =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Group, Window> eldest) {
            return size() > remembered;
          }
        };
  }

  /** True if {@code message}, seen {@code at}, goes into its group's combined Event. */
  boolean combine(Group group, String message, Instant at) {
    Window w = windows.get(group);
    if (w == null || w.last.plus(quiet).isBefore(at)) {
      w = new Window(at);
      windows.put(group, w);
    }
    w.last = at;
    if (w.messages.size() < distinct) {
      w.messages.add(message); // bounded: a combining group remembers no more messages
    }
    return w.messages.size() >= distinct;
  }
}
