package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the operator and node-agent E2E tests build on: a DaemonSet (like the agent's) gets one
 * Ready Pod on every kwok Node, through the controller manager, the scheduler and kwok.
 */
@WithControlPlane(controllerManager = true, scheduler = true, kwok = true)
class KwokWorkloadsIT {

  @Test
  void daemonSetRunsAReadyPodOnEveryKwokNode(ControlPlane plane, KubernetesClient client) {
    plane.createNamespace("agents");
    Node first = plane.kwokNodes().createReady("kwok-a", Map.of());
    Node second = plane.kwokNodes().createReady("kwok-b", Map.of());
    assertThat(KwokNodes.isReady(first)).isTrue();
    assertThat(KwokNodes.isReady(second)).isTrue();

    client
        .apps()
        .daemonSets()
        .inNamespace("agents")
        .resource(
            new DaemonSetBuilder()
                .withNewMetadata()
                .withName("agent")
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(Map.of("app", "agent"))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of("app", "agent"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("agent")
                .withImage("registry.invalid/agent:1")
                .withNewSecurityContext()
                .withPrivileged(true)
                .endSecurityContext()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    DaemonSet ready =
        client
            .apps()
            .daemonSets()
            .inNamespace("agents")
            .withName("agent")
            .waitUntilCondition(
                ds ->
                    ds != null
                        && ds.getStatus() != null
                        && Integer.valueOf(2).equals(ds.getStatus().getNumberReady()),
                120,
                TimeUnit.SECONDS);

    assertThat(ready.getStatus().getDesiredNumberScheduled()).isEqualTo(2);
    assertThat(client.pods().inNamespace("agents").withLabel("app", "agent").list().getItems())
        .extracting(pod -> pod.getSpec().getNodeName())
        .containsExactlyInAnyOrder("kwok-a", "kwok-b");
  }
}
