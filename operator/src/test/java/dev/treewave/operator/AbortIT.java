package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.operator.RolloutFixture.BudgetWatcher;
import dev.treewave.testing.kube.KwokNodes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The abort annotation on the real control plane: an SRE aborts while the canary is cordoned and
 * its drain is held by a PodDisruptionBudget. The canary is uncordoned without a reboot, no other
 * node is touched, the status says who stopped it and why; removing the annotation finishes the
 * rollout with one cordon and one reboot per node.
 */
class AbortIT {
  @RegisterExtension static final RolloutFixture fx = new RolloutFixture();

  @Test
  void abortReleasesTheCordonedCanaryAndRemovingItFinishesTheRollout() {
    List<String> nodes = fx.nodes("ab", 3);
    // Two bare pods per node under a budget allowing one disruption: the pre-check passes (one
    // is allowed), the first eviction takes it, the second is refused, so the canary stays
    // cordoned and draining with no race against the test.
    for (String node : nodes) {
      stubbornPod(node + "-a", node);
      stubbornPod(node + "-b", node);
    }
    fx.client()
        .resource(
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName("stubborn")
                .withNamespace("apps")
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(new IntOrString(5))
                .withNewSelector()
                .addToMatchLabels("app", "stubborn")
                .endSelector()
                .endSpec()
                .build())
        .create();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              var pdb =
                  fx.client()
                      .policy()
                      .v1()
                      .podDisruptionBudget()
                      .inNamespace("apps")
                      .withName("stubborn")
                      .get();
              return pdb.getStatus() != null
                  && Integer.valueOf(1).equals(pdb.getStatus().getDisruptionsAllowed());
            });
    BudgetWatcher watcher = fx.watch("ab", 1);
    fx.create(RolloutFixture.image("abort-ab", "ab", null, null, null, null));
    fx.startOperator();

    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> fx.unschedulable("ab").size() == 1 && oneStubbornPodEvicted());
    String canary = fx.unschedulable("ab").get(0);

    annotate("abort-ab", Map.of(OSImage.ABORT_ANNOTATION, "canary kernel panics (INC-42)"));

    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              OSImage image = fx.get("abort-ab");
              assertThat(image.getStatus().phase()).isEqualTo(OSImagePhase.Paused);
              assertThat(RolloutFixture.condition(image, "Reconciling"))
                  .contains("treewave.dev/abort", "INC-42");
              assertThat(fx.unschedulable("ab")).isEmpty();
            });
    assertThat(fx.reboots("ab")).as("the canary was never told to reboot").isEmpty();
    assertThat(watcher.cordonsPerNode()).containsOnlyKeys(canary);

    // Resume: the budget no longer blocks, the annotation goes, the rollout runs to the end.
    fx.client()
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace("apps")
        .withName("stubborn")
        .delete();
    annotate("abort-ab", Map.of(OSImage.ABORT_ANNOTATION, ""));
    fx.awaitPhase("abort-ab", OSImagePhase.Completed);

    assertThat(fx.reboots("ab")).containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(fx.unschedulable("ab")).isEmpty();
    assertThat(watcher.maxUnavailable()).isLessThanOrEqualTo(1);
    assertThat(watcher.cordonsPerNode().get(canary))
        .as("cordoned again after the abort")
        .isEqualTo(2);
    nodes.stream()
        .filter(n -> !n.equals(canary))
        .forEach(n -> assertThat(watcher.cordonsPerNode().get(n)).as(n).isEqualTo(1));
  }

  private boolean oneStubbornPodEvicted() {
    return fx
            .client()
            .pods()
            .inNamespace("apps")
            .withLabel("app", "stubborn")
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .count()
        == 5;
  }

  private void stubbornPod(String name, String node) {
    fx.client()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("apps")
                .addToLabels("app", "stubborn")
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addToTolerations(KwokNodes.toleration())
                .addNewContainer()
                .withName("app")
                .withImage("registry.invalid/app:1")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  /** Sets (non-empty value) or removes (empty value) annotations, as kubectl annotate. */
  private static void annotate(String image, Map<String, String> annotations) {
    fx.editImage(
        image,
        current -> {
          Map<String, String> merged =
              new HashMap<>(
                  current.getMetadata().getAnnotations() == null
                      ? Map.of()
                      : current.getMetadata().getAnnotations());
          annotations.forEach(
              (k, v) -> {
                if (v.isEmpty()) {
                  merged.remove(k);
                } else {
                  merged.put(k, v);
                }
              });
          current.getMetadata().setAnnotations(merged);
          return current;
        });
  }
}
