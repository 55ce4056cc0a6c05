package dev.treewave.crds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.Processes;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.ControlPlaneBinaries;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed CRDs as a cluster admin meets them: real kubectl against a real kube-apiserver.
 * {@code kubectl get} shows the declared columns (with Ready and Staged) in order, the short names
 * and the {@code treewave} category work, {@code kubectl explain} describes the root, spec and
 * status, and the API server keeps one condition per type.
 */
class CrdKubectlIT {
  private static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(60);

  private static ControlPlane plane;
  private static KubernetesClient client;
  private static String kubectl;

  @BeforeAll
  static void start() throws IOException {
    kubectl = ControlPlaneBinaries.locate().kubectl().toString();
    plane = CommittedCrds.start("CrdKubectlIT");
    client = plane.client();
    client
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: treewave.dev/v1alpha1
                kind: OSImage
                metadata: {name: fleet}
                spec:
                  osName: fedora
                  source: {url: "https://repo.example.com/ostree", ref: "fedora/41/x86_64"}
                  verification: {mode: Disabled}
                """,
                GenericKubernetesResource.class))
        .create();
    client
        .genericKubernetesResources("treewave.dev/v1alpha1", "OSImage")
        .withName("fleet")
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            """
            {"status": {"phase": "RollingOut", "targetVersion": "41.20250101.0",
              "currentWave": 1,
              "nodes": {"total": 7, "staged": 3, "updated": 2, "failed": 1},
              "conditions": [{"type": "Ready", "status": "False", "reason": "RollingOut",
                "message": "2 of 7 nodes updated", "lastTransitionTime": "2025-01-01T00:00:00Z"}]}}
            """);
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void getShowsTheDeclaredColumnsInOrder() throws IOException {
    List<String> lines = kubectl("get", "osimages").lines().toList();
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly(
            "NAME", "PHASE", "VERSION", "READY", "STAGED", "UPDATED", "TOTAL", "WAVE", "FAILED",
            "AGE");
    assertThat(lines.get(1).split("\\s+"))
        .startsWith("fleet", "RollingOut", "41.20250101.0", "False", "3", "2", "7", "1", "1");
    assertThat(kubectl("get", "osimages", "-o", "wide").lines().findFirst().orElseThrow())
        .endsWith("COMMIT");
  }

  @Test
  void shortNamesAndTheTreewaveCategory() throws IOException {
    assertThat(kubectl("get", "osi", "-o", "name")).isEqualTo("osimage.treewave.dev/fleet\n");
    assertThat(kubectl("get", "osn")).contains("No resources found");
    assertThat(kubectl("get", "treewave", "-o", "name")).contains("osimage.treewave.dev/fleet");
  }

  @Test
  void explainDescribesTheRootSpecAndStatus() throws IOException {
    String root = explain("osimage");
    assertThat(root).contains("A host OS image (an OSTree commit) and how to roll it out");
    assertThat(root.replaceAll("\\s+", " "))
        .contains("spec <Object>")
        .contains("What to install (osName, source, verification)")
        .contains("status <Object>")
        .contains("What the operator observed and decided");
    assertThat(explain("osimage.spec").replaceAll("\\s+", " "))
        .contains("rollout <Object>")
        .contains("Waves, canary and disruption budget.");
    assertThat(explain("osimage.status.conditions").replaceAll("\\s+", " "))
        .contains("What the condition is about, e.g. Ready.");
    assertThat(explain("osnode").replaceAll("\\s+", " "))
        .contains("One node's OS state, named after its Node");
  }

  @Test
  void conditionsKeepOneEntryPerType() {
    String twoReady =
        """
        {"status": {"conditions": [
          {"type": "Ready", "status": "True", "reason": "A", "message": "",
           "lastTransitionTime": "2025-01-01T00:00:00Z"},
          {"type": "Ready", "status": "False", "reason": "B", "message": "",
           "lastTransitionTime": "2025-01-01T00:00:00Z"}]}}
        """;
    var status =
        client
            .genericKubernetesResources("treewave.dev/v1alpha1", "OSImage")
            .withName("fleet")
            .subresource("status");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> status.patch(PatchContext.of(PatchType.JSON_MERGE), twoReady))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("Duplicate value");
  }

  /**
   * kubectl explain reads the OpenAPI document, which the API server publishes a moment after the
   * CRD is established: retried every 100 ms until it answers.
   */
  private static String explain(String what) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Processes.Result r = run("explain", what);
      if (r.exitCode() == 0 || System.nanoTime() > deadline) {
        assertThat(r.exitCode()).as("kubectl explain %s: %s", what, r.stderr()).isZero();
        return r.stdout();
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  private static String kubectl(String... args) throws IOException {
    Processes.Result r = run(args);
    assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.stderr()).isZero();
    return r.stdout() + r.stderr();
  }

  private static Processes.Result run(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig"));
    command.add(plane.kubeconfigFile().toString());
    command.addAll(List.of(args));
    return Processes.run(new ProcessBuilder(command), KUBECTL_TIMEOUT);
  }
}
