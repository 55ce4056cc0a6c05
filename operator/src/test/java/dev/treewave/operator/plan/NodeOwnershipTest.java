package dev.treewave.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.NodeOwnership.Claimant;
import dev.treewave.operator.plan.NodeOwnership.Lost;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodeOwnershipTest {
  private static final Instant T0 = Instant.parse("2026-11-22T20:00:00Z");
  private static final Claimant OLD = new Claimant("zeta", T0);
  private static final Claimant NEW = new Claimant("alpha", T0.plusSeconds(1));
  private static final Set<String> LIVE = Set.of("zeta", "alpha");

  @Test
  void earlierCreatedOwnsRegardlessOfNameOrListOrder() {
    assertThat(NodeOwnership.owner(List.of(OLD, NEW), null, LIVE)).contains("zeta");
    assertThat(NodeOwnership.owner(List.of(NEW, OLD), null, LIVE)).contains("zeta");
  }

  @Test
  void sameSecondFallsBackToTheName() {
    Claimant a = new Claimant("b-image", T0);
    Claimant b = new Claimant("a-image", T0);
    assertThat(NodeOwnership.owner(List.of(a, b), null, Set.of("a-image", "b-image")))
        .contains("a-image");
    assertThat(NodeOwnership.owner(List.of(b, a), null, Set.of("a-image", "b-image")))
        .contains("a-image");
  }

  @Test
  void everyReconcileAgreesWhateverOrderItSeesTheImagesIn() {
    List<Claimant> all = new ArrayList<>();
    IntStream.range(0, 6)
        .forEach(i -> all.add(new Claimant("img-" + (5 - i), T0.plusSeconds(i / 2))));
    Set<String> live = Set.of("img-0", "img-1", "img-2", "img-3", "img-4", "img-5");
    for (int seed = 0; seed < 20; seed++) {
      List<Claimant> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, new java.util.Random(seed));
      // img-5 and img-4 share the earliest second; the name breaks the tie.
      assertThat(NodeOwnership.owner(shuffled, null, live)).contains("img-4");
    }
  }

  @Test
  void aNodeMidUpdateStaysWithItsUpdaterEvenIfAnEarlierImageSelectsIt() {
    assertThat(NodeOwnership.owner(List.of(OLD, NEW), "alpha", LIVE)).contains("alpha");
  }

  @Test
  void theUpdaterKeepsItsNodeWhileReleasingItEvenIfItNoLongerSelectsIt() {
    assertThat(NodeOwnership.owner(List.of(OLD), "alpha", LIVE)).contains("alpha");
  }

  @Test
  void aCordonOfADeletedImageDoesNotHoldTheNode() {
    assertThat(NodeOwnership.owner(List.of(NEW), "gone", LIVE)).contains("alpha");
  }

  @Test
  void aCreationTimeThatCannotBeReadSortsLast() {
    Claimant unknown = new Claimant("aaa", null);
    assertThat(NodeOwnership.owner(List.of(unknown, NEW), null, Set.of("aaa", "alpha")))
        .contains("alpha");
  }

  @Test
  void noSelectingImageMeansNoOwner() {
    assertThat(NodeOwnership.owner(List.of(), null, LIVE)).isEmpty();
  }

  @Test
  void conflictLinesNameTheOwnerAndTheNodes() {
    List<String> lines =
        NodeOwnership.describe(
            List.of(
                new Lost("n-02", "zeta", false),
                new Lost("n-01", "zeta", false),
                new Lost("n-09", "beta", true)));
    assertThat(lines)
        .containsExactly(
            "osimage zeta (created earlier): n-01, n-02", "osimage beta (updating them now): n-09");
  }

  @Test
  void longConflictListsAreCut() {
    List<Lost> lost = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      lost.add(new Lost(String.format("n-%02d", i), "zeta", false));
    }
    String line = NodeOwnership.describe(lost).get(0);
    assertThat(line)
        .startsWith("osimage zeta (created earlier): n-00, n-01")
        .endsWith("n-09 and 15 more")
        .doesNotContain("n-10");
  }
}
