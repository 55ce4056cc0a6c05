package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guarded patches: what they write, what they pin, and when there is nothing to write. */
class CordonPatchTest {
  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

  private static Node node(Boolean unschedulable, Map<String, String> annotations) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("n1")
        .withResourceVersion("42")
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withUnschedulable(unschedulable)
        .endSpec()
        .build();
  }

  @Test
  void cordonIsPinnedToTheNodeItWasDecidedOn() {
    String ops =
        Serialization.asJson(
            CordonPatch.cordon(node(null, Map.of("other", "x")), "fedora", NOW).orElseThrow());

    assertThat(ops)
        .isEqualTo(
            "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/annotations/treewave.dev~1cordoned-by\","
                + "\"value\":\"fedora\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/annotations/treewave.dev~1drain-started\","
                + "\"value\":\"2026-12-07T00:00:00Z\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/unschedulable\",\"value\":true}]");
  }

  @Test
  void aNodeWithoutAnnotationsGetsOursInOneGo() {
    String ops =
        Serialization.asJson(CordonPatch.cordon(node(null, null), "fedora", NOW).orElseThrow());

    assertThat(ops)
        .contains(
            "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":"
                + "{\"treewave.dev/cordoned-by\":\"fedora\","
                + "\"treewave.dev/drain-started\":\"2026-12-07T00:00:00Z\"}}");
  }

  @Test
  void aDrainAlreadyStartedKeepsItsStart() {
    String ops =
        Serialization.asJson(
            CordonPatch.cordon(
                    node(false, Map.of(Annotations.DRAIN_STARTED, "earlier")), "fedora", NOW)
                .orElseThrow());

    assertThat(ops).doesNotContain("drain-started").contains("\"fedora\"");
  }

  @Test
  void nothingToWriteForSomeoneElsesCordonOrOurOwn() {
    assertThat(CordonPatch.cordon(node(true, null), "fedora", NOW)).isEmpty();
    assertThat(CordonPatch.cordon(node(true, Map.of()), "fedora", NOW)).isEmpty();
    assertThat(
            CordonPatch.cordon(
                node(true, Map.of(Annotations.CORDONED_BY, "other-image")), "fedora", NOW))
        .isEmpty();
    assertThat(
            CordonPatch.cordon(
                node(
                    true,
                    Map.of(
                        Annotations.CORDONED_BY, "fedora", Annotations.DRAIN_STARTED, "earlier")),
                "fedora",
                NOW))
        .isEmpty();
  }

  @Test
  void releaseOnlyWhatIsOursAndPinThat() {
    assertThat(CordonPatch.release(node(true, null), "fedora")).isEmpty();
    assertThat(CordonPatch.release(node(true, Map.of()), "fedora")).isEmpty();
    assertThat(CordonPatch.release(node(true, Map.of(Annotations.CORDONED_BY, "other")), "fedora"))
        .isEmpty();

    String patch =
        Serialization.asJson(
            CordonPatch.release(node(true, Map.of(Annotations.CORDONED_BY, "fedora")), "fedora")
                .orElseThrow());

    assertThat(patch)
        .isEqualTo(
            "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/treewave.dev~1cordoned-by\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/unschedulable\",\"value\":false}]");
  }
}
