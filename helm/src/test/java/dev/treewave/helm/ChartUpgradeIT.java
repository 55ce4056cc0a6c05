package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import dev.treewave.testing.Processes;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.ControlPlaneBinaries;
import dev.treewave.testing.kube.WithControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD upgrade path on a real kube-apiserver: a release installed from the previous chart
 * (0.1.0, CRDs in crds/, which Helm never upgrades; kept verbatim under src/test/resources) is
 * upgraded with helm upgrade after the one-time adoption helm/README.md gives, and from then on
 * every helm upgrade upgrades the CRDs; helm uninstall leaves them and every OSImage in place.
 */
@WithControlPlane(apiServerFlags = {"--allow-privileged=true"})
class ChartUpgradeIT {
  private static final Path PREVIOUS =
      Chart.DIR.resolve("../src/test/resources/previous-chart/treewave");
  private static final String OSIMAGES = "osimages.treewave.dev";

  static ControlPlane plane;

  @TempDir Path work;

  @Test
  void previousReleaseUpgradesItsCrdsAndKeepsThemOnUninstall() throws IOException {
    KubernetesClient admin = plane.client();
    Release installed =
        new Helm(PREVIOUS)
            .install()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .createNamespace()
            .withKubeConfigContents(plane.kubeconfigYaml())
            .call();
    assertThat(installed.getStatus()).isEqualTo("deployed");
    assertThat(crd(admin, OSIMAGES).getSpec().getNames().getCategories()).isEmpty();
    admin
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

    // Without the adoption Helm refuses: the CRDs from crds/ carry no ownership metadata.
    assertThatThrownBy(this::upgradeToThisChart).hasMessageContaining("invalid ownership metadata");

    adoptCrds();
    assertThat(upgradeToThisChart().getStatus()).isEqualTo("deployed");
    CustomResourceDefinition upgraded = crd(admin, OSIMAGES);
    assertThat(upgraded.getSpec().getNames().getCategories()).containsExactly("treewave");
    assertThat(upgraded.getMetadata().getAnnotations())
        .containsEntry("helm.sh/resource-policy", "keep");
    assertThat(osImage(admin)).isNotNull();

    // The next chart version changes a CRD: plain helm upgrade carries it, no manual step.
    Path next = copyChart(Chart.DIR, work.resolve("next"));
    Path file = next.resolve("crd-files/osimages.treewave.dev-v1.yml");
    Files.writeString(
        file, Files.readString(file).replace("- \"osi\"", "- \"osi\"\n    - \"osimg\""));
    Release nextRelease =
        new Helm(next)
            .upgrade()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .withKubeConfigContents(plane.kubeconfigYaml())
            .call();
    assertThat(nextRelease.getStatus()).isEqualTo("deployed");
    assertThat(crd(admin, OSIMAGES).getSpec().getNames().getShortNames())
        .containsExactly("osi", "osimg");

    Helm.uninstall(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE)
        .withKubeConfigContents(plane.kubeconfigYaml())
        .call();
    assertThat(admin.apps().deployments().inNamespace(Chart.NAMESPACE).list().getItems()).isEmpty();
    assertThat(crd(admin, OSIMAGES)).isNotNull();
    assertThat(crd(admin, "osnodes.treewave.dev")).isNotNull();
    assertThat(osImage(admin)).isNotNull();
  }

  private Release upgradeToThisChart() {
    return Chart.helm()
        .upgrade()
        .withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE)
        .withKubeConfigContents(plane.kubeconfigYaml())
        .call();
  }

  /** The commands of helm/README.md "Upgrading from chart 0.1.0", run with the real kubectl. */
  private void adoptCrds() throws IOException {
    for (String crd : List.of(OSIMAGES, "osnodes.treewave.dev")) {
      kubectl("label", "crd", crd, "app.kubernetes.io/managed-by=Helm", "--overwrite");
      kubectl(
          "annotate",
          "crd",
          crd,
          "meta.helm.sh/release-name=" + Chart.RELEASE,
          "meta.helm.sh/release-namespace=" + Chart.NAMESPACE,
          "--overwrite");
    }
  }

  private void kubectl(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                ControlPlaneBinaries.locate().kubectl().toString(),
                "--kubeconfig",
                plane.kubeconfigFile().toString()));
    command.addAll(List.of(args));
    Processes.Result r = Processes.run(new ProcessBuilder(command), Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
  }

  private static CustomResourceDefinition crd(KubernetesClient admin, String name) {
    return admin.apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  private static GenericKubernetesResource osImage(KubernetesClient admin) {
    return admin
        .genericKubernetesResources("treewave.dev/v1alpha1", "OSImage")
        .withName("fleet")
        .get();
  }

  private static Path copyChart(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    return to;
  }
}
