package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Smoke 2: server-side apply of a custom resource and updates through its status subresource. */
@WithControlPlane
class ServerSideApplyIT {

  static ControlPlane plane;

  @BeforeAll
  static void installCrd() {
    WidgetCrd.install(plane);
    plane.createNamespace("ssa");
  }

  @Test
  void applyTracksOwnersDetectsConflictsAndPrunesDroppedFields(KubernetesClient client) {
    var widgets = WidgetCrd.widgets(client).inNamespace("ssa");
    widgets
        .resource(
            WidgetCrd.widget("ssa", "w1", Map.of("replicas", 3, "minReplicas", 1, "color", "blue")))
        .fieldManager("alice")
        .serverSideApply();

    GenericKubernetesResource applied = widgets.withName("w1").get();
    assertThat(spec(applied)).containsEntry("replicas", 3).containsEntry("color", "blue");
    assertThat(applied.getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
        .contains(org.assertj.core.groups.Tuple.tuple("alice", "Apply"));

    // Another manager changing a field alice owns conflicts unless it forces.
    KubernetesClientException conflict =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                widgets
                    .resource(WidgetCrd.widget("ssa", "w1", Map.of("replicas", 5)))
                    .fieldManager("bob")
                    .serverSideApply());
    assertThat(conflict).isNotNull();
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(spec(widgets.withName("w1").get())).containsEntry("replicas", 3);

    widgets
        .resource(WidgetCrd.widget("ssa", "w1", Map.of("replicas", 5)))
        .fieldManager("bob")
        .forceConflicts()
        .serverSideApply();
    assertThat(spec(widgets.withName("w1").get())).containsEntry("replicas", 5);

    // Alice re-applies without color and without replicas (now bob's): color is pruned.
    widgets
        .resource(WidgetCrd.widget("ssa", "w1", Map.of("minReplicas", 1)))
        .fieldManager("alice")
        .serverSideApply();
    assertThat(spec(widgets.withName("w1").get()))
        .doesNotContainKey("color")
        .containsEntry("replicas", 5)
        .containsEntry("minReplicas", 1);
  }

  @Test
  void statusChangesOnlyThroughTheStatusSubresource(KubernetesClient client) {
    var widgets = WidgetCrd.widgets(client).inNamespace("ssa");
    GenericKubernetesResource created =
        widgets.resource(WidgetCrd.widget("ssa", "w2", Map.of("replicas", 2))).create();
    long generation = created.getMetadata().getGeneration();

    // Through the main resource, status is ignored.
    created.setAdditionalProperty("status", Map.of("phase", "Sneaky"));
    GenericKubernetesResource updated = widgets.resource(created).update();
    assertThat(updated.getAdditionalProperties()).doesNotContainKey("status");

    // Through /status it is stored, and spec and generation stay as they were.
    updated.setAdditionalProperty("status", Map.of("phase", "Ready", "observedReplicas", 2));
    updated.setAdditionalProperty("spec", Map.of("replicas", 99));
    widgets.resource(updated).updateStatus();

    GenericKubernetesResource stored = widgets.withName("w2").get();
    assertThat(stored.getAdditionalProperties().get("status"))
        .isEqualTo(Map.of("phase", "Ready", "observedReplicas", 2));
    assertThat(spec(stored)).containsEntry("replicas", 2);
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(generation);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }
}
