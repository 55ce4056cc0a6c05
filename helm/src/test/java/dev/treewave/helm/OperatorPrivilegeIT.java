package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.WithControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's ServiceAccount token, bound to an operator pod as the kubelet binds it, after a
 * helm install on a real kube-apiserver 1.32: what the operator's code writes goes through, and
 * what a stolen token would want (delete any pod, switch an OSImage's verification off, relabel a
 * Node) is refused by RBAC or by the chart's operator admission policy, each with the API server's
 * own message. Pod deletes come only with {@code operator.drain.allowForceDelete=true}, and go
 * again without it.
 */
@WithControlPlane(apiServerFlags = {"--allow-privileged=true"})
class OperatorPrivilegeIT {
  private static final String NS = Chart.NAMESPACE;
  private static final String OPERATOR_USER =
      "system:serviceaccount:" + NS + ":" + InstalledChart.OPERATOR_SA;
  private static final String FINALIZER = "osimages.treewave.dev/finalizer";
  private static final ResourceDefinitionContext OSIMAGES = crd("osimages", "OSImage");
  private static final ResourceDefinitionContext OSNODES = crd("osnodes", "OSNode");

  static ControlPlane plane;
  static KubernetesClient operator;

  @BeforeAll
  static void install() {
    InstalledChart.install(plane);
    KubernetesClient admin = plane.client();
    InstalledChart.node(admin, "op-home", Map.of());
    operator =
        plane.serviceAccountClient(
            NS,
            InstalledChart.OPERATOR_SA,
            InstalledChart.operatorPod(admin, "operator-0", "op-home"));
    // The API server loads the policy a moment after helm created it: wait until it refuses.
    InstalledChart.awaitOperatorPolicy(admin, operator, "op-probe");
  }

  @Test
  void osImageSpecIsOutOfReachButFinalizerRetryAnnotationAndStatusAreNot() {
    KubernetesClient admin = plane.client();
    GenericKubernetesResource image =
        admin.genericKubernetesResources(OSIMAGES).resource(signedImage("fleet")).create();
    assertThat(image.getMetadata().getFinalizers()).containsExactly("example.com/keep");

    // A stolen token switching verification off: the policy refuses it, with its message.
    assertDenied(
            () ->
                mergePatch(
                    operator,
                    "fleet",
                    "{\"spec\":{\"verification\":{\"mode\":\"Disabled\",\"keys\":null}}}"))
        .hasMessageContaining("ValidatingAdmissionPolicy 'tw-treewave-operator-confined'")
        .hasMessageContaining(
            "the treewave operator may not change the spec of osimages fleet (only its"
                + " finalizer, the treewave.dev/retry annotation and the status)");
    assertThat(spec(admin, "fleet").get("verification")).isEqualTo(signedVerification());
    assertDenied(
            () -> mergePatch(operator, "fleet", "{\"metadata\":{\"labels\":{\"team\":\"x\"}}}"))
        .hasMessageContaining("the treewave operator may not change the labels of osimages fleet");
    assertDenied(
            () ->
                mergePatch(
                    operator,
                    "fleet",
                    "{\"metadata\":{\"annotations\":{\"treewave.dev/resume-wave\":\"9\"}}}"))
        .hasMessageContaining(
            "may only remove the treewave.dev/retry annotation of osimages fleet");
    assertDenied(
            () ->
                mergePatch(
                    operator, "fleet", "{\"metadata\":{\"finalizers\":[\"" + FINALIZER + "\"]}}"))
        .as("another controller's finalizer is not the operator's to remove")
        .hasMessageContaining("may add or remove only its own finalizer");

    // What JOSDK and KubeRolloutCluster do: add and remove its finalizer, write status, drop the
    // retry annotation with the same JSON patch (test, then remove).
    mergePatch(
        operator,
        "fleet",
        "{\"metadata\":{\"finalizers\":[\"example.com/keep\",\"" + FINALIZER + "\"]}}");
    assertThat(finalizers(admin, "fleet")).containsExactly("example.com/keep", FINALIZER);
    operator
        .genericKubernetesResources(OSIMAGES)
        .withName("fleet")
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"phase\":\"Pending\",\"observedGeneration\":1}}");
    assertThat(admin.genericKubernetesResources(OSIMAGES).withName("fleet").get())
        .extracting(o -> ((Map<?, ?>) o.getAdditionalProperties().get("status")).get("phase"))
        .isEqualTo("Pending");
    mergePatch(admin, "fleet", "{\"metadata\":{\"annotations\":{\"treewave.dev/retry\":\"all\"}}}");
    operator
        .genericKubernetesResources(OSIMAGES)
        .withName("fleet")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"test\",\"path\":\"/metadata/annotations/treewave.dev~1retry\","
                + "\"value\":\"all\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/treewave.dev~1retry\"}]");
    assertThat(admin.genericKubernetesResources(OSIMAGES).withName("fleet").get())
        .extracting(o -> o.getMetadata().getAnnotations())
        .satisfies(
            a -> assertThat(a == null ? Map.of() : a).doesNotContainKey("treewave.dev/retry"));
    mergePatch(operator, "fleet", "{\"metadata\":{\"finalizers\":[\"example.com/keep\"]}}");
    assertThat(finalizers(admin, "fleet")).containsExactly("example.com/keep");
  }

  @Test
  void nodesMayBeCordonedAndAnnotatedButNotRelabelledOrTainted() {
    KubernetesClient admin = plane.client();
    InstalledChart.node(admin, "op-n", Map.of("pool", "blue"));
    admin
        .nodes()
        .withName("op-n")
        .edit(
            n -> {
              n.getMetadata().setAnnotations(new HashMap<>(Map.of("owner", "infra")));
              return n;
            });

    assertDenied(() -> operator.nodes().withName("op-n").edit(n -> relabel(n, "pool", "red")))
        .hasMessageContaining("ValidatingAdmissionPolicy 'tw-treewave-operator-confined'")
        .hasMessageContaining("the treewave operator may not change the labels of nodes op-n");
    assertDenied(
            () -> operator.nodes().withName("op-n").edit(n -> annotate(n, "owner", "someone-else")))
        .hasMessageContaining("may change only treewave.dev/ annotations of nodes op-n");
    assertDenied(() -> operator.nodes().withName("op-n").edit(n -> taint(n, "dedicated")))
        .hasMessageContaining(
            "may change only spec.unschedulable and the node.kubernetes.io/unschedulable taint"
                + " of nodes op-n");

    // The cordon as KubeRolloutCluster writes it, and the taint that goes with a cordon.
    operator
        .nodes()
        .withName("op-n")
        .edit(
            n -> {
              annotate(n, "treewave.dev/cordoned-by", "fleet");
              annotate(n, "treewave.dev/drain-started", "2026-12-06T10:00:00Z");
              n.getSpec().setUnschedulable(true);
              return n;
            });
    operator.nodes().withName("op-n").edit(n -> taint(n, "node.kubernetes.io/unschedulable"));
    Node cordoned = admin.nodes().withName("op-n").get();
    assertThat(cordoned.getSpec().getUnschedulable()).isTrue();
    assertThat(cordoned.getSpec().getTaints())
        .extracting(t -> t.getKey())
        .contains("node.kubernetes.io/unschedulable");
    assertThat(cordoned.getMetadata().getAnnotations())
        .containsEntry("treewave.dev/cordoned-by", "fleet")
        .containsEntry("owner", "infra");

    // And the release: annotations removed, schedulable again.
    operator
        .nodes()
        .withName("op-n")
        .edit(
            n -> {
              n.getMetadata().getAnnotations().remove("treewave.dev/cordoned-by");
              n.getMetadata().getAnnotations().remove("treewave.dev/drain-started");
              n.getSpec().setUnschedulable(false);
              n.getSpec()
                  .setTaints(
                      n.getSpec().getTaints().stream()
                          .filter(t -> !t.getKey().equals("node.kubernetes.io/unschedulable"))
                          .toList());
              return n;
            });
    Node released = admin.nodes().withName("op-n").get();
    assertThat(released.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
    assertThat(released.getMetadata().getLabels()).containsEntry("pool", "blue");
    assertThat(released.getMetadata().getAnnotations())
        .containsOnlyKeys("owner")
        .containsEntry("owner", "infra");
  }

  @Test
  void osNodesAreCreatedOwnedByTheirNodeAndOnlySpecAndOutcomeChange() {
    KubernetesClient admin = plane.client();
    Node node = InstalledChart.node(admin, "op-o", Map.of());

    GenericKubernetesResource orphan =
        InstalledChart.osNode("op-o", GenericKubernetesResource.class);
    assertDenied(() -> operator.genericKubernetesResources(OSNODES).resource(orphan).create())
        .hasMessageContaining("may create OSNode op-o only owned by the Node of the same name");

    GenericKubernetesResource owned =
        InstalledChart.osNode("op-o", GenericKubernetesResource.class);
    owned
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Node")
                    .withName("op-o")
                    .withUid(node.getMetadata().getUid())
                    .build()));
    operator.genericKubernetesResources(OSNODES).resource(owned).create();

    // The instruction and the outcome annotation, in one merge patch as patchOSNode sends them.
    operator
        .genericKubernetesResources(OSNODES)
        .withName("op-o")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"instruction\":{\"id\":\"stage-1\",\"action\":\"Stage\",\"commit\":\""
                + "a".repeat(64)
                + "\",\"issuedAt\":\"2026-12-06T10:00:00Z\"}},"
                + "\"metadata\":{\"annotations\":{\"treewave.dev/outcome\":\"Skipped "
                + "a".repeat(64)
                + "\"}}}");
    assertThat(
            admin
                .genericKubernetesResources(OSNODES)
                .withName("op-o")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsKey("treewave.dev/outcome");

    assertDenied(
            () ->
                operator
                    .genericKubernetesResources(OSNODES)
                    .withName("op-o")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"))
        .hasMessageContaining("may not change the labels of osnodes op-o");
    assertDenied(
            () ->
                operator
                    .genericKubernetesResources(OSNODES)
                    .withName("op-o")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"ownerReferences\":null}}"))
        .hasMessageContaining("may not change the owners of osnodes op-o");
  }

  @Test
  void podDeletesOnlyWhileTheChartAllowsForcedDrains() {
    KubernetesClient admin = plane.client();
    plane.createNamespace("kube-system");
    victim(admin, "victim-1");
    String refusal =
        "User \""
            + OPERATOR_USER
            + "\" cannot delete resource \"pods\" in API group \"\" in the namespace"
            + " \"kube-system\"";

    assertDenied(() -> operator.pods().inNamespace("kube-system").withName("victim-1").delete())
        .hasMessageContaining(refusal);
    // Eviction (which respects PodDisruptionBudgets) is what a drain uses, and stays allowed.
    assertThat(operator.pods().inNamespace("kube-system").withName("victim-1").evict()).isTrue();

    victim(admin, "victim-2");
    InstalledChart.upgrade(plane, "operator.drain.allowForceDelete", true);
    assertThat(
            admin
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName(InstalledChart.OPERATOR_SA)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs())
        .contains("--allow-force-delete");
    // The authorizer sees the changed ClusterRole through its informer: wait until it says so.
    awaitPodDeleteAllowed(true);
    operator.pods().inNamespace("kube-system").withName("victim-2").withGracePeriod(0).delete();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> admin.pods().inNamespace("kube-system").withName("victim-2").get() == null);

    // Turned off again: refused again.
    victim(admin, "victim-3");
    InstalledChart.upgrade(plane, "operator.drain.allowForceDelete", false);
    awaitPodDeleteAllowed(false);
    assertDenied(() -> operator.pods().inNamespace("kube-system").withName("victim-3").delete())
        .hasMessageContaining(refusal);
    assertThat(admin.pods().inNamespace("kube-system").withName("victim-3").get()).isNotNull();
  }

  /** Asks the API server, as the operator, whether it may delete pods in kube-system. */
  private static void awaitPodDeleteAllowed(boolean allowed) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                operator
                        .authorization()
                        .v1()
                        .selfSubjectAccessReview()
                        .create(
                            new SelfSubjectAccessReviewBuilder()
                                .withNewSpec()
                                .withNewResourceAttributes()
                                .withNamespace("kube-system")
                                .withVerb("delete")
                                .withResource("pods")
                                .endResourceAttributes()
                                .endSpec()
                                .build())
                        .getStatus()
                        .getAllowed()
                    == allowed);
  }

  // ---------------------------------------------------------------------------------------------

  private static void victim(KubernetesClient admin, String name) {
    admin
        .pods()
        .inNamespace("kube-system")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeName("op-home")
                .addNewContainer()
                .withName("c")
                .withImage("registry.k8s.io/pause:3.10")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertDenied(
      ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  private static void mergePatch(KubernetesClient client, String image, String patch) {
    client
        .genericKubernetesResources(OSIMAGES)
        .withName(image)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(KubernetesClient admin, String image) {
    return (Map<String, Object>)
        admin
            .genericKubernetesResources(OSIMAGES)
            .withName(image)
            .get()
            .getAdditionalProperties()
            .get("spec");
  }

  private static List<String> finalizers(KubernetesClient admin, String image) {
    return admin
        .genericKubernetesResources(OSIMAGES)
        .withName(image)
        .get()
        .getMetadata()
        .getFinalizers();
  }

  private static Node relabel(Node n, String key, String value) {
    Map<String, String> labels =
        n.getMetadata().getLabels() == null
            ? new HashMap<>()
            : new HashMap<>(n.getMetadata().getLabels());
    labels.put(key, value);
    n.getMetadata().setLabels(labels);
    return n;
  }

  private static Node annotate(Node n, String key, String value) {
    Map<String, String> a =
        n.getMetadata().getAnnotations() == null
            ? new HashMap<>()
            : new HashMap<>(n.getMetadata().getAnnotations());
    a.put(key, value);
    n.getMetadata().setAnnotations(a);
    return n;
  }

  private static Node taint(Node n, String key) {
    List<io.fabric8.kubernetes.api.model.Taint> taints =
        n.getSpec().getTaints() == null
            ? new ArrayList<>()
            : new ArrayList<>(n.getSpec().getTaints());
    taints.add(new TaintBuilder().withKey(key).withEffect("NoSchedule").build());
    n.getSpec().setTaints(taints);
    return n;
  }

  private static Map<String, Object> signedVerification() {
    return Map.of(
        "mode",
        "GPG",
        "keys",
        List.of(
            Map.of(
                "configMapRef",
                Map.of("namespace", NS, "name", InstalledChart.TRUSTED_KEYS, "key", "key.asc"))));
  }

  private static GenericKubernetesResource signedImage(String name) {
    return Chart.YAML.convertValue(
        Map.of(
            "apiVersion",
            "treewave.dev/v1alpha1",
            "kind",
            "OSImage",
            "metadata",
            Map.of("name", name, "finalizers", List.of("example.com/keep")),
            "spec",
            Map.of(
                "osName",
                "demo",
                "source",
                Map.of("url", "http://127.0.0.1:1/repo", "ref", "demo/x86_64"),
                "verification",
                signedVerification(),
                "nodeSelector",
                Map.of("matchLabels", Map.of("treewave-it", "privilege")))),
        GenericKubernetesResource.class);
  }

  private static ResourceDefinitionContext crd(String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("treewave.dev")
        .withVersion("v1alpha1")
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(false)
        .build();
  }
}
