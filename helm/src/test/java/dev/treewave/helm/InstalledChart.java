package dev.treewave.helm;

import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Release;
import dev.treewave.testing.kube.ControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;

/**
 * The chart installed with Helm on an IT's control plane, and what the ITs create there as the
 * cluster admin around it: nodes, OSNodes, the agent's pod on a node, a key ConfigMap.
 */
final class InstalledChart {
  static final String AGENT_SA = "tw-treewave-agent";
  static final String OPERATOR_SA = "tw-treewave-operator";

  /** The one ConfigMap of keys the chart's default agent.trustedKeys names. */
  static final String TRUSTED_KEYS = "treewave-trusted-keys";

  private InstalledChart() {}

  /** helm install of the chart (its CRDs included) as release {@link Chart#RELEASE}. */
  static Release install(ControlPlane plane) {
    return Chart.helm()
        .install()
        .withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE)
        .createNamespace()
        .withKubeConfigContents(plane.kubeconfigYaml())
        .call();
  }

  static Node node(KubernetesClient admin, String name, Map<String, String> labels) {
    return admin
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  /** A minimal valid OSNode (no signatures, nothing to do), as the given type. */
  static <T> T osNode(String name, Class<T> type) {
    return Chart.YAML.convertValue(
        Map.of(
            "apiVersion",
            "treewave.dev/v1alpha1",
            "kind",
            "OSNode",
            "metadata",
            Map.of("name", name),
            "spec",
            Map.of(
                "osImage",
                "demo",
                "osName",
                "demo",
                "source",
                Map.of("url", "http://127.0.0.1:1/repo", "ref", "demo/x86_64"),
                "verification",
                Map.of("mode", "Disabled"))),
        type);
  }

  /** What the DaemonSet would run on the node: a pod of the agent's ServiceAccount, bound there. */
  static Pod agentPod(KubernetesClient admin, String node) {
    return admin
        .pods()
        .inNamespace(Chart.NAMESPACE)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("agent-on-" + node)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .withServiceAccountName(AGENT_SA)
                .addNewContainer()
                .withName("agent")
                .withImage("ghcr.io/treewave/treewave-node-agent:it")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  /** The ConfigMap {@link #TRUSTED_KEYS} in the chart's namespace, holding {@code key.asc}. */
  static void fleetKeys(KubernetesClient admin, String keyAsc) {
    configMap(admin, TRUSTED_KEYS, keyAsc);
  }

  /** A ConfigMap in the chart's namespace holding {@code key.asc}. */
  static void configMap(KubernetesClient admin, String name, String keyAsc) {
    admin
        .configMaps()
        .inNamespace(Chart.NAMESPACE)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToData("key.asc", keyAsc)
                .build())
        .serverSideApply();
  }

  /**
   * What the Deployment would run on the node: a pod of the operator's ServiceAccount, so that its
   * token can be bound to it as the kubelet binds it in production.
   */
  static Pod operatorPod(KubernetesClient admin, String name, String node) {
    return admin
        .pods()
        .inNamespace(Chart.NAMESPACE)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .withServiceAccountName(OPERATOR_SA)
                .addNewContainer()
                .withName("operator")
                .withImage("ghcr.io/treewave/treewave-operator:it")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  /** helm upgrade of the release with the chart's defaults plus one value set. */
  static Release upgrade(ControlPlane plane, String key, Object value) {
    return Chart.helm()
        .upgrade()
        .withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE)
        .withKubeConfigContents(plane.kubeconfigYaml())
        .set(key, value)
        .call();
  }

  /**
   * The API server loads the chart's ValidatingAdmissionPolicy through an informer, a moment after
   * helm created it; until then every write RBAC allows goes through. Waits until the given write
   * (to an OSNode nothing else looks at) is refused with 403, so that what a test asserts next is
   * the policy and not that race. Any other error fails at once.
   */
  static void awaitAgentPolicyRefuses(Runnable probeWrite) {
    awaitPolicyRefuses(probeWrite);
  }

  /**
   * Waits until the operator's admission policy is loaded: the given operator client's relabelling
   * of a probe Node (created here, a fresh label value on every try) is refused with 403.
   */
  static void awaitOperatorPolicy(KubernetesClient admin, KubernetesClient operator, String probe) {
    node(admin, probe, Map.of("probe", "0"));
    awaitPolicyRefuses(
        () ->
            operator
                .nodes()
                .withName(probe)
                .edit(
                    n -> {
                      n.getMetadata().getLabels().put("probe", Long.toString(System.nanoTime()));
                      return n;
                    }));
  }

  /** As {@link #awaitAgentPolicyRefuses}, for any of the chart's policies. */
  static void awaitPolicyRefuses(Runnable probeWrite) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              try {
                probeWrite.run();
                return false;
              } catch (KubernetesClientException e) {
                if (e.getCode() != 403) {
                  throw e;
                }
                return true;
              }
            });
  }
}
