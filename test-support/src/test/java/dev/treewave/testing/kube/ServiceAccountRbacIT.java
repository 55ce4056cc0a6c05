package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Smoke 4: a ServiceAccount bound to a narrow Role can do what the Role grants and is forbidden
 * (403) from everything else; tokens can be bound to a Pod or a Node.
 */
@WithControlPlane
class ServiceAccountRbacIT {

  private static final String NS = "rbac";
  static ControlPlane plane;

  @BeforeAll
  static void narrowRole() {
    KubernetesClient admin = plane.client();
    plane.createNamespace(NS);
    plane.createNamespace("elsewhere");
    admin
        .serviceAccounts()
        .inNamespace(NS)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("reader").endMetadata().build())
        .create();
    admin
        .rbac()
        .roles()
        .inNamespace(NS)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("configmap-reader")
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("configmaps")
                .withVerbs("get", "list", "watch")
                .endRule()
                .build())
        .create();
    admin
        .rbac()
        .roleBindings()
        .inNamespace(NS)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("reader")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "configmap-reader")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("reader")
                .withNamespace(NS)
                .endSubject()
                .build())
        .create();
    admin
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .endMetadata()
                .withData(Map.of("k", "v"))
                .build())
        .create();
  }

  @Test
  void grantedVerbsWorkEverythingElseIsForbidden() {
    KubernetesClient reader = plane.serviceAccountClient(NS, "reader");

    assertThat(reader.configMaps().inNamespace(NS).withName("settings").get().getData())
        .containsEntry("k", "v");
    assertThat(reader.configMaps().inNamespace(NS).list().getItems()).hasSize(1);

    assertForbidden(
        () ->
            reader
                .configMaps()
                .inNamespace(NS)
                .resource(
                    new ConfigMapBuilder().withNewMetadata().withName("x").endMetadata().build())
                .create());
    assertForbidden(() -> reader.configMaps().inNamespace(NS).withName("settings").delete());
    assertForbidden(() -> reader.secrets().inNamespace(NS).list());
    assertForbidden(() -> reader.configMaps().inNamespace("elsewhere").list());
    assertForbidden(() -> reader.nodes().list());
  }

  @Test
  void tokenBoundToAPodCarriesItAndDiesWithIt() throws Exception {
    KubernetesClient admin = plane.client();
    Pod pod =
        admin
            .pods()
            .inNamespace(NS)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("agent")
                    .endMetadata()
                    .withNewSpec()
                    .withServiceAccountName("reader")
                    .addNewContainer()
                    .withName("agent")
                    .withImage("registry.invalid/agent:1")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();

    String token = plane.serviceAccountToken(NS, "reader", pod);
    JsonNode claims = claims(token);
    assertThat(claims.at("/kubernetes.io/pod/name").asText()).isEqualTo("agent");
    assertThat(claims.at("/sub").asText()).isEqualTo("system:serviceaccount:rbac:reader");

    KubernetesClient bound = plane.serviceAccountClient(NS, "reader", pod);
    assertThat(bound.configMaps().inNamespace(NS).withName("settings").get()).isNotNull();

    // Never scheduled, so deleting needs no kubelet; the bound token is then invalid.
    admin.pods().inNamespace(NS).withName("agent").withGracePeriod(0).delete();
    admin
        .pods()
        .inNamespace(NS)
        .withName("agent")
        .waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
    KubernetesClientException notIssued =
        catchThrowableOfType(
            KubernetesClientException.class, () -> plane.serviceAccountToken(NS, "reader", pod));
    assertThat(notIssued).as("no token for a deleted Pod").isNotNull();
    assertThat(notIssued.getCode()).isEqualTo(404);
    // The authenticator reads Pods from an informer: the rejection may lag by a moment.
    assertThat(awaitUnauthorized(bound)).as("token bound to a deleted Pod is rejected").isTrue();
  }

  private static boolean awaitUnauthorized(KubernetesClient client) throws InterruptedException {
    for (int attempt = 0; attempt < 300; attempt++) {
      try {
        client.configMaps().inNamespace(NS).withName("settings").get();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 401) {
          return true;
        }
        throw e;
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Test
  void tokenBoundToANodeNamesTheNode() throws Exception {
    Node node =
        plane.client().nodes().resource(KwokNodes.template("bound-node", Map.of(), false)).create();

    JsonNode claims = claims(plane.serviceAccountToken(NS, "reader", node));

    assertThat(claims.at("/kubernetes.io/node/name").asText()).isEqualTo("bound-node");
    assertThat(claims.at("/kubernetes.io/node/uid").asText())
        .isEqualTo(node.getMetadata().getUid());
  }

  private static void assertForbidden(Executable call) {
    KubernetesClientException e =
        catchThrowableOfType(KubernetesClientException.class, call::execute);
    assertThat(e).as("expected 403 Forbidden").isNotNull();
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
  }

  private static JsonNode claims(String jwt) throws Exception {
    String payload = jwt.split("\\.")[1];
    return new ObjectMapper()
        .readTree(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
  }
}
