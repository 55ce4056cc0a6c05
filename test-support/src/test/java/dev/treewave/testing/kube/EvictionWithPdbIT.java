package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Smoke 3: with kube-controller-manager (PDB status), kube-scheduler and kwok (fake kubelet), the
 * Eviction API refuses (429) to evict a Pod its PodDisruptionBudget protects, and evicts it once
 * the budget allows one disruption.
 */
@WithControlPlane(controllerManager = true, scheduler = true, kwok = true)
class EvictionWithPdbIT {

  private static final String NS = "eviction";
  static ControlPlane plane;

  /** No client-side retries: the test must see the API server's first answer. */
  static KubernetesClient noRetries;

  @BeforeAll
  static void clientWithoutRetries() {
    Config config = plane.adminConfig();
    config.setRequestRetryBackoffLimit(0);
    noRetries = new KubernetesClientBuilder().withConfig(config).build();
  }

  @AfterAll
  static void closeClient() {
    noRetries.close();
  }

  @Test
  void pdbBlocksEvictionUntilTheBudgetAllowsOne(KubernetesClient client) throws Exception {
    plane.createNamespace(NS);
    plane.kwokNodes().createReady("kwok-node-1", Map.of("pool", "smoke"));

    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("web")
                .withLabels(Map.of("app", "web"))
                .endMetadata()
                .withNewSpec()
                .withNodeSelector(Map.of("pool", "smoke"))
                .addToTolerations(KwokNodes.toleration())
                .addNewContainer()
                .withName("web")
                .withImage("registry.invalid/web:1")
                .endContainer()
                .endSpec()
                .build())
        .create();
    Pod running =
        client
            .pods()
            .inNamespace(NS)
            .withName("web")
            .waitUntilCondition(EvictionWithPdbIT::runningAndReady, 120, TimeUnit.SECONDS);
    assertThat(running.getSpec().getNodeName())
        .as("bound by the scheduler")
        .isEqualTo("kwok-node-1");

    client
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(NS)
        .resource(
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(Map.of("app", "web"))
                .endSelector()
                .endSpec()
                .build())
        .create();
    awaitBudget(client, 0);

    HttpResponse<String> refused = evict("web");
    assertThat(refused.code()).as(refused.body()).isEqualTo(429);
    assertThat(refused.body()).contains("disruption budget");
    Pod stillThere = client.pods().inNamespace(NS).withName("web").get();
    assertThat(stillThere).isNotNull();
    assertThat(stillThere.getMetadata().getDeletionTimestamp()).isNull();

    client
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(NS)
        .withName("web")
        .edit(
            pdb -> {
              pdb.getSpec().setMinAvailable(new IntOrString(0));
              return pdb;
            });
    awaitBudget(client, 1);

    HttpResponse<String> accepted = evict("web");
    assertThat(accepted.code()).as(accepted.body()).isIn(200, 201);
    // kwok plays the kubelet: the Pod's graceful deletion completes and it disappears.
    client
        .pods()
        .inNamespace(NS)
        .withName("web")
        .waitUntilCondition(pod -> pod == null, 120, TimeUnit.SECONDS);
  }

  /** POSTs an Eviction, returning the API server's status code and body as they are. */
  private static HttpResponse<String> evict(String pod) throws Exception {
    HttpClient http = noRetries.getHttpClient();
    String body =
        """
        {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"%s","namespace":"%s"}}
        """
            .formatted(pod, NS);
    String url = plane.apiServerUrl() + "/api/v1/namespaces/" + NS + "/pods/" + pod + "/eviction";
    return http.sendAsync(
            http.newHttpRequestBuilder().uri(url).post("application/json", body).build(),
            String.class)
        .get(60, TimeUnit.SECONDS);
  }

  /** Waits until the disruption controller has processed the latest spec. */
  private static void awaitBudget(KubernetesClient client, int disruptionsAllowed) {
    client
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(NS)
        .withName("web")
        .waitUntilCondition(
            (PodDisruptionBudget pdb) ->
                pdb != null
                    && pdb.getStatus() != null
                    && pdb.getMetadata()
                        .getGeneration()
                        .equals(pdb.getStatus().getObservedGeneration())
                    && pdb.getStatus().getCurrentHealthy() == 1
                    && pdb.getStatus().getDisruptionsAllowed() == disruptionsAllowed,
            120,
            TimeUnit.SECONDS);
  }

  private static boolean runningAndReady(Pod pod) {
    return pod != null
        && pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
