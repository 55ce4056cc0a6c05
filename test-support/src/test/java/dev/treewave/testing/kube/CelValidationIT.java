package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Smoke 1: a CRD's CEL rule is enforced by the real API server, with the rule's message. */
@WithControlPlane
class CelValidationIT {

  static ControlPlane plane;

  @BeforeAll
  static void installCrd() {
    WidgetCrd.install(plane);
    plane.createNamespace("cel");
  }

  @Test
  void apiServerIsTheBuiltVersion(KubernetesClient client) {
    assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.32.5");
  }

  @Test
  void invalidObjectIsRejectedWithTheRulesMessage(KubernetesClient client) {
    KubernetesClientException rejected =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                WidgetCrd.widgets(client)
                    .resource(
                        WidgetCrd.widget("cel", "bad", Map.of("replicas", 2, "minReplicas", 5)))
                    .create());

    assertThat(rejected).as("the CEL rule must reject minReplicas > replicas").isNotNull();
    assertThat(rejected.getCode()).isEqualTo(422);
    assertThat(rejected.getStatus().getMessage()).contains(WidgetCrd.CEL_MESSAGE);
    assertThat(WidgetCrd.widgets(client).inNamespace("cel").withName("bad").get()).isNull();
  }

  @Test
  void validObjectIsAccepted(KubernetesClient client) {
    WidgetCrd.widgets(client)
        .resource(WidgetCrd.widget("cel", "good", Map.of("replicas", 3, "minReplicas", 1)))
        .create();

    assertThat(WidgetCrd.widgets(client).inNamespace("cel").withName("good").get()).isNotNull();
  }

  /**
   * The extension shares the outer class's plane with nested classes and injects instance fields.
   */
  @Nested
  class NestedTests {

    ControlPlane injected;

    @Test
    void sharesTheOuterPlane(ControlPlane parameter, KubernetesClient client) {
      assertThat(injected).isSameAs(plane).isSameAs(parameter);
      assertThat(client).isSameAs(plane.client());
      assertThat(WidgetCrd.widgets(client).inNamespace("cel").list()).isNotNull();
    }
  }
}
