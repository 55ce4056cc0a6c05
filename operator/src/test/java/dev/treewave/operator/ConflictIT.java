package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.operator.RolloutFixture.BudgetWatcher;
import dev.treewave.operator.kube.Annotations;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two OSImages selecting the same nodes, on the real API server with kwok nodes and simulated
 * agents: the earlier-created one rolls them, the later one reports the conflict and never touches
 * them, and a node the later one is updating stays with it until it is healthy. A watcher checks
 * continuously which OSImage tells each node to activate, and that a node never changes hands while
 * another OSImage's cordon is on it.
 */
class ConflictIT {
  private static final String COMMIT_A = "a".repeat(64);
  private static final String COMMIT_B = "b".repeat(64);

  @RegisterExtension static final RolloutFixture fx = new RolloutFixture();

  /**
   * Both exist before the operator starts, so which one is reconciled first is up to the operator;
   * the names sort both ways round so that only the creation order can explain the winner.
   */
  @ParameterizedTest
  @CsvSource({"zz-first, aa-second, i", "aa-first, zz-second, j"})
  void theEarlierCreatedOSImageRollsSharedNodesAndTheLaterReportsTheConflict(
      String first, String second, String pool) {
    List<String> nodes = fx.nodes(pool, 3);
    fx.create(RolloutFixture.image(first, pool, COMMIT_A, null, null, null, null, null));
    createInALaterSecond(
        first, RolloutFixture.image(second, pool, COMMIT_B, null, null, null, null, null));
    Ownership ownership = watchOwnership();
    BudgetWatcher budget = fx.watch(pool, 1);
    fx.startOperator();

    OSImage winner = fx.awaitPhase(first, OSImagePhase.Completed);
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(RolloutFixture.condition(fx.get(second), "Conflict"))
                    .startsWith("True NodeHeldByAnotherOSImage")
                    .contains(
                        "osimage " + first + " (created earlier): " + String.join(", ", nodes)));

    assertThat(winner.getStatus().nodes().updated()).isEqualTo(3);
    assertThat(RolloutFixture.condition(winner, "Conflict")).startsWith("False");
    assertThat(fx.get(second).getStatus().nodes().total()).isZero();
    for (String n : nodes) {
      OSNode o = fx.client().resources(OSNode.class).withName(n).get();
      assertThat(o.getSpec().osImage()).as(n).isEqualTo(first);
      assertThat(o.getStatus().booted().commit()).as(n).isEqualTo(COMMIT_A);
      assertThat(ownership.activations(n)).as(n).containsExactly(first);
    }
    assertThat(fx.reboots(pool)).containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(budget.maxUnavailable()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(fx.client().v1().events().inNamespace("default").list().getItems())
                    .filteredOn(e -> second.equals(e.getInvolvedObject().getName()))
                    .extracting(e -> e.getReason())
                    .contains("NodeConflict")
                    .doesNotContain("Cordoned", "Activating"));
  }

  @Test
  void aNodeTheLaterOSImageIsUpdatingStaysWithItUntilHealthyThenTheEarlierTakesIt() {
    fx.nodes("k", 2);
    // The earlier OSImage selects nothing yet; its selector will come to match k-00 later, as
    // when someone labels a node for it.
    fx.create(
        RolloutFixture.selecting(
            RolloutFixture.image("k-early", "k", COMMIT_A, null, null, null, null, null),
            new LabelSelectorBuilder().addToMatchLabels("claim", "early").build()));
    // The later one holds each node cordoned for a 20 s stable period after its reboot.
    createInALaterSecond(
        "k-early",
        RolloutFixture.image(
            "k-late", "k", COMMIT_B, null, new HealthSpec(null, "20s"), null, null, null));
    Ownership ownership = watchOwnership();
    fx.startOperator();

    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                "k-late".equals(cordonedBy("k-00"))
                    && COMMIT_B.equals(
                        booted(fx.client().resources(OSNode.class).withName("k-00").get())));
    fx.label("k-00", "claim", "early"); // mid-update: k-late must finish it first

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              OSNode o = fx.client().resources(OSNode.class).withName("k-00").get();
              assertThat(o.getSpec().osImage()).isEqualTo("k-early");
              assertThat(booted(o)).isEqualTo(COMMIT_A);
              assertThat(cordonedBy("k-00")).isNull();
            });
    OSImage late = fx.awaitPhase("k-late", OSImagePhase.Completed);
    fx.awaitPhase("k-early", OSImagePhase.Completed);

    // k-late finished its update of k-00 (booted it, proved it healthy, uncordoned it) before
    // k-early's activation; the watcher saw no hand-over under a cordon.
    assertThat(ownership.activations("k-00")).containsExactly("k-late", "k-early");
    assertThat(ownership.activations("k-01")).containsExactly("k-late");
    assertThat(fx.reboots("k")).containsExactlyInAnyOrder("k-00", "k-00", "k-01");
    assertThat(RolloutFixture.condition(late, "Conflict"))
        .startsWith("True")
        .contains("osimage k-early (created earlier): k-00");
    assertThat(late.getStatus().nodes().total()).isEqualTo(1);
    assertThat(booted(fx.client().resources(OSNode.class).withName("k-01").get()))
        .isEqualTo(COMMIT_B);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Creation timestamps have one-second resolution; the tie-break is the name, so to test the
   * creation order the second OSImage must be created in a later second.
   */
  private static void createInALaterSecond(String first, OSImage second) {
    Instant created = Instant.parse(fx.get(first).getMetadata().getCreationTimestamp());
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> Instant.now().isAfter(created.plusMillis(1100)));
    fx.create(second);
    Instant secondCreated =
        Instant.parse(fx.get(second.getMetadata().getName()).getMetadata().getCreationTimestamp());
    assertThat(secondCreated).as("creation order").isAfter(created);
  }

  private static String cordonedBy(String node) {
    Map<String, String> a = fx.client().nodes().withName(node).get().getMetadata().getAnnotations();
    return a != null ? a.get(Annotations.CORDONED_BY) : null;
  }

  private static String booted(OSNode o) {
    return o != null && o.getStatus() != null && o.getStatus().booted() != null
        ? o.getStatus().booted().commit()
        : null;
  }

  private Ownership watchOwnership() {
    Ownership w = new Ownership();
    fx.every(25, w);
    return w;
  }

  /**
   * Records, per node, which OSImage issued each Activate instruction, and remembers it if a node's
   * OSNode names one OSImage while another OSImage's cordon is on the Node. OSNodes are read before
   * and after the Nodes, and only an owner both reads agree on counts, so a hand-over between two
   * reads is not mistaken for one under a cordon.
   */
  private static final class Ownership implements Runnable {
    private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();
    private final Map<String, List<String>> activations = new ConcurrentHashMap<>();
    private volatile String violation;

    @Override
    public void run() {
      try {
        Map<String, String> before = owners();
        Map<String, String> cordons = new HashMap<>();
        for (Node n : fx.client().nodes().list().getItems()) {
          Map<String, String> a = n.getMetadata().getAnnotations();
          if (a != null && a.get(Annotations.CORDONED_BY) != null) {
            cordons.put(n.getMetadata().getName(), a.get(Annotations.CORDONED_BY));
          }
        }
        Map<String, String> after = owners();
        cordons.forEach(
            (node, by) -> {
              String owner = before.get(node);
              if (owner != null && owner.equals(after.get(node)) && !owner.equals(by)) {
                violation = node + " belongs to " + owner + " while " + by + " has it cordoned";
              }
            });
      } catch (RuntimeException e) {
        // the next poll looks again
      }
    }

    private Map<String, String> owners() {
      Map<String, String> owners = new HashMap<>();
      for (OSNode o : fx.client().resources(OSNode.class).list().getItems()) {
        if (o.getSpec() == null) {
          continue;
        }
        String node = o.getMetadata().getName();
        owners.put(node, o.getSpec().osImage());
        Instruction i = o.getSpec().instruction();
        if (i != null && i.action() == NodeAction.Activate) {
          Set<String> ids = seen.computeIfAbsent(node, k -> new LinkedHashSet<>());
          synchronized (ids) {
            if (ids.add(i.id())) {
              activations.computeIfAbsent(node, k -> new ArrayList<>()).add(o.getSpec().osImage());
            }
          }
        }
      }
      return owners;
    }

    List<String> activations(String node) {
      assertThat(violation).as("hand-over under a cordon").isNull();
      return List.copyOf(activations.getOrDefault(node, List.of()));
    }
  }
}
