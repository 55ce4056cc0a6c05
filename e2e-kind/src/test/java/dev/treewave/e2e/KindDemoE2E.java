package dev.treewave.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The Kind demo's own scripts ({@code e2e-kind/kind/*.sh}, in {@code demo.sh}'s order) on the
 * offline cluster: images, the demo repository ({@code repo.sh}), the node sysroots, the chart with
 * {@code values-kind.yaml}, and {@code rollout.sh}, which waits until every node's agent staged v2
 * from the in-cluster repository server, GPG-verified, and checks the OSImage is not Degraded. Then
 * proves the offline demo pulled nothing: no kubelet ever started a pull, {@code repo.sh} built the
 * repository on this machine (no builder container) and its server runs from the node image's own
 * userland image.
 *
 * <p>One worker instead of {@code cluster.yaml}'s two (the machine is small; the scripts loop over
 * whatever nodes there are). The chart goes in with the Helm library where no {@code helm} CLI is
 * installed, with {@code install.sh}'s release name, namespace and values.
 */
class KindDemoE2E {

  private static final String NS = LocalCluster.SYSTEM_NAMESPACE;
  private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();

  private static KindCluster kind;
  private static KubernetesClient client;

  @RegisterExtension
  static final TestWatcher LOGS_ON_FAILURE =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (kind != null) {
            System.out.print(kind.podLogs(NS));
          }
        }
      };

  @BeforeAll
  static void start() throws Exception {
    String reason = KindCluster.unavailableReason();
    assumeTrue(reason.isEmpty(), "Kind needs Docker: " + reason);
    kind =
        KindCluster.createUnderTarget(
            REPO_ROOT,
            "tw-demo",
            """
            kind: Cluster
            apiVersion: kind.x-k8s.io/v1alpha4
            nodes:
              - role: control-plane
              - role: worker
            """,
            KindDemoE2E::say);
    client = kind.client();
  }

  @AfterAll
  static void stop() {
    if (kind != null) {
      kind.close();
    }
  }

  @Test
  void theOfflineDemoStagesV2OnEveryNodeAndPullsNothing() throws Exception {
    kind.script("images.sh", Duration.ofMinutes(30), "TREEWAVE_KIND_IMAGES_PREBUILT", "0");
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    String repo = kind.script("repo.sh", Duration.ofMinutes(5));
    assertThat(repo).contains("with this machine's ostree and gpg");
    kind.script("prepare-nodes.sh", Duration.ofMinutes(5));
    install();
    String rollout = kind.script("rollout.sh", Duration.ofMinutes(12));
    assertThat(rollout).contains("verified: every node staged");

    String serverImage =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName("treewave-demo-repo")
            .get()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getImage();
    assertThat(serverImage).startsWith("treewave.local/kind-cni:");
    List<Event> events = client.v1().events().inAnyNamespace().list().getItems();
    assertThat(events).as("events of the demo").isNotEmpty();
    assertThat(events)
        .as("kubelet pulls (nothing may be pulled offline)")
        .filteredOn(
            e ->
                "Pulling".equals(e.getReason())
                    || "ErrImageNeverPull".equals(e.getReason())
                    || String.valueOf(e.getMessage()).contains("pull image"))
        .isEmpty();
  }

  /** install.sh's command; the Helm library where no helm CLI is installed. */
  private static void install() throws Exception {
    boolean helmCli =
        Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "helm")));
    if (helmCli) {
      kind.script("install.sh", Duration.ofMinutes(8));
      return;
    }
    new Helm(REPO_ROOT.resolve("helm/treewave"))
        .install()
        .withName("treewave")
        .withNamespace(NS)
        .withKubeConfigContents(kind.kubeconfigYaml())
        .withValuesFile(REPO_ROOT.resolve("e2e-kind/kind/values-kind.yaml"))
        .waitReady()
        .withTimeout(300)
        .call();
  }

  private static void say(String line) {
    System.out.println("[kind-demo] " + line);
  }
}
