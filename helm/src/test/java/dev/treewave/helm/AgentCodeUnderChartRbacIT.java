package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.treewave.agent.kube.KeySource.KeyUnavailableException;
import dev.treewave.agent.kube.KubeKeySource;
import dev.treewave.agent.kube.OsNodeStatusReporter;
import dev.treewave.agent.kube.OsNodeWatch;
import dev.treewave.agent.state.AgentState;
import dev.treewave.agent.state.NodeReport;
import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.WithControlPlane;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node agent's own Kubernetes code (the OSNode watch, the status reporter, the key reader), run
 * with the chart's agent ServiceAccount and a token bound to a Pod on its node, after a helm
 * install on a real kube-apiserver: what the agent does is allowed, and the same code pointed at
 * another node's OSNode is refused by the admission policy.
 */
@WithControlPlane(apiServerFlags = {"--allow-privileged=true"})
class AgentCodeUnderChartRbacIT {
  private static final String NS = Chart.NAMESPACE;

  static ControlPlane plane;

  @BeforeAll
  static void install() {
    InstalledChart.install(plane);
  }

  @Test
  void watchReportAndKeysWorkForItsOwnNodeOnly() throws Exception {
    KubernetesClient admin = plane.client();
    for (String node : new String[] {"n-a", "n-b", "probe"}) {
      if (!node.equals("probe")) {
        InstalledChart.node(admin, node, Map.of());
      }
      admin.resource(InstalledChart.osNode(node, OSNode.class)).create();
    }
    InstalledChart.fleetKeys(admin, "armored public key");
    Pod pod = InstalledChart.agentPod(admin, "n-a");
    KubernetesClient agent = plane.serviceAccountClient(NS, InstalledChart.AGENT_SA, pod);
    InstalledChart.awaitAgentPolicyRefuses(() -> writeEmptyStatus(agent, "probe"));

    try (OsNodeWatch own = new OsNodeWatch(agent, "n-a", Duration.ofMinutes(1), () -> {});
        OsNodeWatch other = new OsNodeWatch(agent, "n-b", Duration.ofMinutes(1), () -> {})) {
      await().atMost(Duration.ofSeconds(30)).until(() -> own.synced() && own.current() != null);
      await().atMost(Duration.ofSeconds(30)).until(() -> other.synced() && other.current() != null);
      NodeReport unmanaged =
          new NodeReport(
              new AgentState.Unmanaged("NotOstreeBooted", "no /run/ostree-booted"),
              null,
              null,
              null,
              null);

      new OsNodeStatusReporter(
              agent, "n-a", own::current, Clock.systemUTC(), Duration.ofMinutes(10))
          .report(unmanaged);
      assertThat(admin.resources(OSNode.class).withName("n-a").get().getStatus().agentState())
          .isNotNull();

      OsNodeStatusReporter lying =
          new OsNodeStatusReporter(
              agent, "n-b", other::current, Clock.systemUTC(), Duration.ofMinutes(10));
      assertThatThrownBy(() -> lying.report(unmanaged))
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
          .hasMessageContaining("may not write OSNode n-b");
      assertThat(admin.resources(OSNode.class).withName("n-b").get().getStatus()).isNull();
    }

    KubeKeySource keys = new KubeKeySource(agent);
    assertThat(
            new String(
                keys.read(KeyReference.configMap(NS, InstalledChart.TRUSTED_KEYS, "key.asc")),
                StandardCharsets.UTF_8))
        .isEqualTo("armored public key");
    assertThatThrownBy(() -> keys.read(KeyReference.secret(NS, InstalledChart.TRUSTED_KEYS, "key")))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("forbidden");
  }

  private static void writeEmptyStatus(KubernetesClient client, String osNode) {
    client
        .resources(OSNode.class)
        .withName(osNode)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/status\",\"value\":{}}]");
  }
}
