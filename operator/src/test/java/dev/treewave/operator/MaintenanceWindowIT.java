package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.MaintenanceWindow;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.Weekday;
import dev.treewave.operator.RolloutFixture.BudgetWatcher;
import dev.treewave.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Maintenance windows on the real control plane, with the operator's clock under the test's
 * control: outside the window every node stages (prefetch) and none is cordoned; once the window
 * opens the rollout runs to the end within its budget.
 */
class MaintenanceWindowIT {
  @RegisterExtension static final RolloutFixture fx = new RolloutFixture();

  @Test
  void nodesStageOutsideTheWindowAndAreDisruptedOnlyOnceItOpens() {
    List<String> nodes = fx.nodes("m", 4);
    fx.workload("web-m", "m", 3, 2);
    BudgetWatcher watcher = fx.watch("m", 1);
    // Later than the real time (kwok's Ready timestamps must lie in the operator's past), with a
    // window that opens two hours after it, every day.
    Instant now = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
    Instant opens = now.plus(2, ChronoUnit.HOURS);
    MutableClock clock = new MutableClock(now);
    String start = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(opens);
    MaintenanceWindow window =
        new MaintenanceWindow(Arrays.asList(Weekday.values()), start, "30m", "UTC");
    fx.create(
        RolloutFixture.image(
            "window-m", "m", RolloutFixture.TARGET, null, null, null, null, List.of(window)));
    fx.startOperator(clock);

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              OSImage image = fx.get("window-m");
              assertThat(image.getStatus()).isNotNull();
              assertThat(image.getStatus().phase()).isEqualTo(OSImagePhase.WaitingForWindow);
              assertThat(image.getStatus().nodes().staged()).isEqualTo(4);
            });
    OSImage waiting = fx.get("window-m");
    assertThat(RolloutFixture.condition(waiting, "Reconciling"))
        .contains("outside maintenance windows; next opens " + opens);
    for (String n : nodes) {
      OSNode o = fx.client().resources(OSNode.class).withName(n).get();
      assertThat(o.getSpec().instruction().action()).as(n).isEqualTo(NodeAction.Stage);
      assertThat(o.getStatus().lastCompletedInstructionId())
          .as(n)
          .isEqualTo(o.getSpec().instruction().id());
    }
    assertThat(fx.reboots("m")).isEmpty();
    assertThat(watcher.cordonsPerNode()).isEmpty();

    clock.advance(Duration.between(now, opens).plusMinutes(1));
    poke("window-m"); // the operator's next look would otherwise be on its idle schedule

    // Inside the window the operator's time must move with real time: drains wait for evicted
    // pods to be replaced and retry refused evictions after a back-off measured on this clock,
    // so a frozen clock would hold the second node's drain forever. The window lasts 30 minutes
    // of clock time, far longer than the rest of this test.
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    ticker.scheduleAtFixedRate(
        () -> clock.advance(Duration.ofMillis(200)), 200, 200, TimeUnit.MILLISECONDS);
    OSImage done;
    try {
      done = fx.awaitPhase("window-m", OSImagePhase.Completed);
    } finally {
      ticker.shutdownNow();
    }
    assertThat(done.getStatus().nodes().updated()).isEqualTo(4);
    assertThat(fx.reboots("m")).containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(watcher.maxUnavailable()).isEqualTo(1);
    assertThat(watcher.cordonsPerNode())
        .containsOnlyKeys(nodes)
        .allSatisfy((n, c) -> assertThat(c).as(n).isEqualTo(1));
    assertThat(fx.unschedulable("m")).isEmpty();
  }

  /**
   * A time zone the CRD cannot judge (issue 21): the operator refuses the spec, Stalled with reason
   * InvalidSpec naming the field, before any node of the pool gets an OSNode or a cordon. Once the
   * zone is fixed the same OSImage rolls out.
   */
  @Test
  void aTimeZoneThatDoesNotExistStallsTheRolloutBeforeAnyNodeIsTouched() {
    List<String> nodes = fx.nodes("tz", 2);
    BudgetWatcher watcher = fx.watch("tz", 1);
    fx.create(
        RolloutFixture.image(
            "window-tz",
            "tz",
            RolloutFixture.TARGET,
            null,
            null,
            null,
            null,
            always("Mars/Olympus_Mons")));
    fx.startOperator();

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              OSImage image = fx.get("window-tz");
              assertThat(image.getStatus()).isNotNull();
              assertThat(RolloutFixture.condition(image, "Stalled"))
                  .isEqualTo(
                      "True InvalidSpec: spec.maintenanceWindows[0].timeZone:"
                          + " \"Mars/Olympus_Mons\" is not an IANA time zone (such as UTC,"
                          + " Europe/Berlin or America/New_York)");
            });
    assertThat(fx.client().resources(OSNode.class).list().getItems())
        .extracting(o -> o.getMetadata().getName())
        .doesNotContainAnyElementsOf(nodes);
    assertThat(watcher.cordonsPerNode()).isEmpty();
    assertThat(fx.unschedulable("tz")).isEmpty();

    fx.editImage(
        "window-tz",
        i -> {
          OSImage fixed =
              RolloutFixture.image(
                  "window-tz",
                  "tz",
                  RolloutFixture.TARGET,
                  null,
                  null,
                  null,
                  null,
                  always("Europe/Berlin"));
          fixed.setMetadata(i.getMetadata());
          return fixed;
        });

    OSImage done = fx.awaitPhase("window-tz", OSImagePhase.Completed);
    assertThat(RolloutFixture.condition(done, "Stalled")).startsWith("False");
    assertThat(fx.reboots("tz")).containsExactlyInAnyOrderElementsOf(nodes);
  }

  /** A window open all week, in {@code zone}. */
  private static List<MaintenanceWindow> always(String zone) {
    return List.of(new MaintenanceWindow(Arrays.asList(Weekday.values()), "00:00", "168h", zone));
  }

  /**
   * The first node's health gate holds it (a 10 minute stable period on a clock that only moves
   * when the test moves it) until the window has closed: it still finishes, the second node waits
   * for the next day's window and then goes.
   */
  @Test
  void aNodeInFlightFinishesAfterTheWindowClosesAndTheRestWaitForTheNextWindow() {
    fx.nodes("w", 2);
    BudgetWatcher watcher = fx.watch("w", 1);
    Instant now = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
    Instant opens = now.plus(2, ChronoUnit.HOURS);
    MutableClock clock = new MutableClock(now);
    String start = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(opens);
    MaintenanceWindow window =
        new MaintenanceWindow(Arrays.asList(Weekday.values()), start, "1h", "UTC");
    fx.create(
        RolloutFixture.image(
            "window-w",
            "w",
            RolloutFixture.TARGET,
            null,
            new HealthSpec("3h", "10m"),
            null,
            null,
            List.of(window)));
    fx.startOperator(clock);
    fx.awaitPhase("window-w", OSImagePhase.WaitingForWindow);

    clock.advance(Duration.between(now, opens).plusMinutes(1));
    poke("window-w");
    await().atMost(Duration.ofMinutes(2)).until(() -> inHealthGate("w-00"));
    clock.advance(Duration.ofHours(2)); // window closed; w-00's stable period is over
    poke("window-w");

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              OSImage image = fx.get("window-w");
              assertThat(image.getStatus().phase()).isEqualTo(OSImagePhase.WaitingForWindow);
              assertThat(image.getStatus().nodes().updated()).isEqualTo(1);
              assertThat(fx.unschedulable("w")).isEmpty();
            });
    assertThat(fx.reboots("w")).containsExactly("w-00");
    assertThat(watcher.cordonsPerNode()).isEqualTo(Map.of("w-00", 1));
    assertThat(RolloutFixture.condition(fx.get("window-w"), "Reconciling"))
        .contains("next opens " + opens.plus(1, ChronoUnit.DAYS));

    clock.advance(Duration.ofHours(22)); // the next day's window: 1 minute after it opens
    poke("window-w");
    await().atMost(Duration.ofMinutes(2)).until(() -> inHealthGate("w-01"));
    clock.advance(Duration.ofMinutes(11));
    poke("window-w");

    OSImage done = fx.awaitPhase("window-w", OSImagePhase.Completed);
    assertThat(done.getStatus().nodes().updated()).isEqualTo(2);
    assertThat(fx.reboots("w")).containsExactly("w-00", "w-01");
    assertThat(watcher.cordonsPerNode()).isEqualTo(Map.of("w-00", 1, "w-01", 1));
    assertThat(watcher.maxUnavailable()).isEqualTo(1);
  }

  /** Booted the target and still cordoned by us: waiting out its stable period. */
  private static boolean inHealthGate(String node) {
    OSNode o = fx.client().resources(OSNode.class).withName(node).get();
    return o != null
        && o.getStatus() != null
        && o.getStatus().booted() != null
        && RolloutFixture.TARGET.equals(o.getStatus().booted().commit())
        && fx.unschedulable("w").contains(node);
  }

  private static void poke(String name) {
    fx.editImage(
        name,
        i -> {
          var a = new java.util.HashMap<String, String>();
          if (i.getMetadata().getAnnotations() != null) {
            a.putAll(i.getMetadata().getAnnotations());
          }
          a.put("test.treewave.dev/poke", Instant.now().toString());
          i.getMetadata().setAnnotations(a);
          return i;
        });
  }
}
