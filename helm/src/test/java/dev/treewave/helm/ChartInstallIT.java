package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Release;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.WithControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Installs the chart with Helm (helm-java, the chart's CRDs included) on a real kube-apiserver
 * 1.32, then acts as the chart's ServiceAccounts: the node agent with a token bound to a Pod on its
 * node (so the API server puts the node name into the caller's user info), and the real operator
 * run in-process with the operator ServiceAccount's token. Proves the RBAC is enough for what the
 * code does, and that what it should not do is refused: by RBAC, or by the agent's admission
 * policy.
 */
@WithControlPlane(apiServerFlags = {"--allow-privileged=true"})
class ChartInstallIT {
  private static final String NS = Chart.NAMESPACE;
  private static final String OPERATOR_SA = "tw-treewave-operator";
  private static final String AGENT_SA = InstalledChart.AGENT_SA;
  private static final ResourceDefinitionContext OSNODES = crd("osnodes", "OSNode");
  private static final ResourceDefinitionContext OSIMAGES = crd("osimages", "OSImage");

  private static final Path OPERATOR_LOG =
      Path.of(System.getProperty("build.dir", "target"), "operator-ChartInstallIT.log")
          .toAbsolutePath();

  static ControlPlane plane;
  static Release release;

  @BeforeAll
  static void install() {
    release = InstalledChart.install(plane);
  }

  @Test
  void helmInstallsEverythingTheChartRenders() {
    KubernetesClient admin = plane.client();
    assertThat(release.getStatus()).isEqualTo("deployed");
    assertThat(admin.apps().deployments().inNamespace(NS).withName(OPERATOR_SA).get()).isNotNull();
    assertThat(admin.apps().daemonSets().inNamespace(NS).withName(AGENT_SA).get()).isNotNull();
    for (String crd : List.of("osimages.treewave.dev", "osnodes.treewave.dev")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          admin
                              .apiextensions()
                              .v1()
                              .customResourceDefinitions()
                              .withName(crd)
                              .get()
                              .getStatus()
                              .getConditions())
                      .anyMatch(
                          c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())));
    }
    assertThat(
            admin
                .admissionRegistration()
                .v1()
                .validatingAdmissionPolicies()
                .withName("tw-treewave-agent-own-osnode")
                .get())
        .isNotNull();
  }

  @Test
  void agentMayWriteOnlyTheStatusOfItsOwnNodesOsNode() {
    KubernetesClient admin = plane.client();
    InstalledChart.node(admin, "agent-a", Map.of());
    InstalledChart.node(admin, "agent-b", Map.of());
    osNode(admin, "agent-a");
    osNode(admin, "agent-b");
    Pod pod = InstalledChart.agentPod(admin, "agent-a");
    KubernetesClient agent = plane.serviceAccountClient(NS, AGENT_SA, pod);

    // Its own OSNode: read and report, exactly as OsNodeStatusReporter does (merge patch on
    // status).
    assertThat(agent.genericKubernetesResources(OSNODES).withName("agent-a").get()).isNotNull();
    patchStatus(agent, "agent-a", "Idle");
    assertThat(admin.genericKubernetesResources(OSNODES).withName("agent-a").get())
        .extracting(o -> ((Map<?, ?>) o.getAdditionalProperties().get("status")).get("agentState"))
        .isEqualTo("Idle");

    // Another node's OSNode: RBAC allows it, the admission policy does not. The API server loads
    // the policy through an informer a moment after helm created it, so first wait until it
    // refuses a write to an OSNode that nothing else here looks at.
    osNode(admin, "agent-probe");
    InstalledChart.awaitAgentPolicyRefuses(() -> patchStatus(agent, "agent-probe", "Idle"));
    assertDenied(() -> patchStatus(agent, "agent-b", "Booted"), 403)
        .hasMessageContaining("ValidatingAdmissionPolicy")
        .hasMessageContaining("the node agent on agent-a may not write OSNode agent-b");
    // Spec, create, delete: never (RBAC).
    assertDenied(
        () ->
            agent
                .genericKubernetesResources(OSNODES)
                .withName("agent-a")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"osName\":\"evil\"}}"),
        403);
    assertDenied(() -> agent.genericKubernetesResources(OSNODES).withName("agent-a").delete(), 403);
    assertDenied(
        () -> agent.genericKubernetesResources(OSNODES).resource(osNodeObject("agent-z")).create(),
        403);

    // A token that is not bound to a pod carries no node name: no status writes at all.
    KubernetesClient unbound = plane.serviceAccountClient(NS, AGENT_SA);
    assertDenied(() -> patchStatus(unbound, "agent-a", "Idle"), 403)
        .hasMessageContaining("carries no node name");
  }

  @Test
  void agentReadsKeysOnlyWhereTheChartSaysAndNothingElse() {
    KubernetesClient admin = plane.client();
    InstalledChart.node(admin, "agent-k", Map.of());
    KubernetesClient agent =
        plane.serviceAccountClient(NS, AGENT_SA, InstalledChart.agentPod(admin, "agent-k"));
    InstalledChart.fleetKeys(admin, "public key");
    InstalledChart.configMap(admin, "dashboard-config", "not a key");
    assertThat(
            agent
                .configMaps()
                .inNamespace(NS)
                .withName(InstalledChart.TRUSTED_KEYS)
                .get()
                .getData())
        .containsEntry("key.asc", "public key");
    // Any other ConfigMap of the release namespace: not even named keys of another name.
    assertDenied(() -> agent.configMaps().inNamespace(NS).withName("dashboard-config").get(), 403)
        .hasMessageContaining(
            "User \"system:serviceaccount:"
                + NS
                + ":"
                + AGENT_SA
                + "\" cannot get resource"
                + " \"configmaps\"")
        .hasMessageContaining("in the namespace \"" + NS + "\"");
    assertDenied(() -> agent.configMaps().inNamespace(NS).list(), 403);
    assertDenied(() -> agent.secrets().inNamespace(NS).withName("anything").get(), 403);
    assertDenied(
        () -> agent.configMaps().inNamespace("default").withName("kube-root-ca.crt").get(), 403);
    assertDenied(() -> agent.nodes().withName("agent-k").edit(n -> n), 403);
    assertDenied(() -> agent.pods().inAnyNamespace().list(), 403);
  }

  @Test
  void operatorRunsWithItsServiceAccountThroughStageCordonDrainAndCleanup() throws Exception {
    KubernetesClient admin = plane.client();
    Map<String, String> label = Map.of("treewave-it", "operator");
    for (String name : List.of("op-1", "op-2")) {
      InstalledChart.node(admin, name, label);
      ready(admin, name);
    }
    plane.createNamespace("work");
    for (String name : List.of("op-1", "op-2")) {
      admin.pods().inNamespace("work").resource(workload("web-" + name, name)).create();
    }
    String commit = "e".repeat(64);
    // Under the operator's admission policy, loaded: everything below must still go through.
    InstalledChart.awaitOperatorPolicy(
        admin, plane.serviceAccountClient(NS, OPERATOR_SA), "op-policy-probe");
    Process operator = startOperator();
    try {
      admin.genericKubernetesResources(OSIMAGES).resource(osImage("it", commit)).create();

      // Leader Lease taken, finalizer added, status written, one OSNode per node told to stage.
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptionsInstanceOf(NullPointerException.class)
          .untilAsserted(
              () -> {
                assertThat(
                        admin
                            .leases()
                            .inNamespace(NS)
                            .withName("treewave-operator")
                            .get()
                            .getSpec()
                            .getHolderIdentity())
                    .isEqualTo("it-operator");
                GenericKubernetesResource image =
                    admin.genericKubernetesResources(OSIMAGES).withName("it").get();
                assertThat(image.getMetadata().getFinalizers()).isNotEmpty();
                assertThat(image.getAdditionalProperties()).containsKey("status");
                for (String name : List.of("op-1", "op-2")) {
                  assertThat(instruction(admin, name)).containsEntry("action", "Stage");
                }
              });

      // Play the agents: both staged the commit.
      for (String name : List.of("op-1", "op-2")) {
        String id = (String) instruction(admin, name).get("id");
        admin
            .genericKubernetesResources(OSNODES)
            .withName(name)
            .subresource("status")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\":{\"agentState\":\"WaitingForPermission\",\"lastCompletedInstructionId\":\""
                    + id
                    + "\",\"booted\":{\"commit\":\""
                    + "c".repeat(64)
                    + "\"},\"deployments\":[{\"osName\":\"demo\",\"commit\":\""
                    + commit
                    + "\",\"serial\":0,\"booted\":false,\"staged\":true,\"pending\":true},"
                    + "{\"osName\":\"demo\",\"commit\":\""
                    + "c".repeat(64)
                    + "\",\"serial\":0,\"booted\":true}]}}");
      }

      // The canary: cordoned (nodes patch), its pod evicted (pods list, pods/eviction create,
      // PDBs list), then told to activate.
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                List<Node> cordoned =
                    admin.nodes().withLabels(label).list().getItems().stream()
                        .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                        .toList();
                assertThat(cordoned).hasSize(1);
                String canary = cordoned.get(0).getMetadata().getName();
                assertThat(cordoned.get(0).getMetadata().getAnnotations())
                    .containsEntry("treewave.dev/cordoned-by", "it");
                assertThat(
                        admin
                            .pods()
                            .inNamespace("work")
                            .withName("web-" + canary)
                            .get()
                            .getMetadata()
                            .getDeletionTimestamp())
                    .as("evicted")
                    .isNotNull();
                assertThat(instruction(admin, canary)).containsEntry("action", "Activate");
              });

      // Deleting the OSImage releases the cordon and the instructions, then the finalizer goes.
      admin.genericKubernetesResources(OSIMAGES).withName("it").delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(admin.genericKubernetesResources(OSIMAGES).withName("it").get())
                    .isNull();
                assertThat(admin.nodes().withLabels(label).list().getItems())
                    .noneMatch(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()));
              });
      assertThat(operator.isAlive()).as("operator still running").isTrue();
      // Enough rights for all of the above: not one request was refused.
      assertThat(Files.readString(OPERATOR_LOG)).doesNotContainIgnoringCase("forbidden");
    } finally {
      operator.destroy();
      if (!operator.waitFor(30, TimeUnit.SECONDS)) {
        operator.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * The operator as the Deployment runs it: {@code OperatorMain run}, leader election on, with the
   * environment the chart sets, and the operator ServiceAccount's token as its only credential. A
   * child process, because JOSDK exits the JVM when it stops leading.
   */
  private static Process startOperator() throws Exception {
    Path kubeconfig = plane.writeServiceAccountKubeconfig(NS, OPERATOR_SA, null);
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.treewave.operator.OperatorMain",
                "run",
                "--lease-name=treewave-operator")
            .redirectErrorStream(true)
            .redirectOutput(OPERATOR_LOG.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("POD_NAMESPACE", NS);
    builder.environment().put("POD_NAME", "it-operator");
    builder.environment().put("TREEWAVE_METRICS_BIND", "127.0.0.1:0");
    return builder.start();
  }

  @Test
  void operatorMayRecordEventsAboutOsImagesInDefault() {
    KubernetesClient operator = plane.serviceAccountClient(NS, OPERATOR_SA);
    var event =
        new io.fabric8.kubernetes.api.model.EventBuilder()
            .withNewMetadata()
            .withGenerateName("demo.")
            .withNamespace("default")
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion("treewave.dev/v1alpha1")
            .withKind("OSImage")
            .withName("demo")
            .endInvolvedObject()
            .withType("Normal")
            .withReason("RolloutStaging")
            .withMessage("staging")
            .build();
    var created = operator.v1().events().inNamespace("default").resource(event).create();
    // A repeat is counted on the Event already written (KubeEvents), without reading it.
    operator
        .v1()
        .events()
        .inNamespace("default")
        .resource(created)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"count\":2}");
    assertThat(
            plane
                .client()
                .v1()
                .events()
                .inNamespace("default")
                .withName(created.getMetadata().getName())
                .get()
                .getCount())
        .isEqualTo(2);
    assertDenied(() -> operator.v1().events().inNamespace("default").withName("x").get(), 403);
    assertDenied(
        () -> operator.v1().events().inNamespace("kube-system").resource(event).create(), 403);
  }

  @Test
  void operatorIsRefusedWhatItDoesNotNeed() {
    KubernetesClient admin = plane.client();
    InstalledChart.node(admin, "op-x", Map.of());
    admin
        .leases()
        .inNamespace(NS)
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName("someone-else")
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("x")
                .endSpec()
                .build())
        .create();
    KubernetesClient operator = plane.serviceAccountClient(NS, OPERATOR_SA);
    assertDenied(() -> operator.nodes().withName("op-x").delete(), 403);
    assertDenied(() -> operator.secrets().inNamespace(NS).list(), 403);
    assertDenied(() -> operator.secrets().inNamespace("kube-system").withName("x").get(), 403);
    assertDenied(() -> operator.configMaps().inNamespace(NS).list(), 403);
    assertDenied(
        () -> operator.pods().inNamespace(NS).resource(workload("x", "op-x")).create(), 403);
    assertDenied(() -> operator.genericKubernetesResources(OSNODES).withName("op-x").delete(), 403);
    assertDenied(
        () ->
            operator
                .genericKubernetesResources(OSIMAGES)
                .resource(osImage("x", "f".repeat(64)))
                .create(),
        403);
    assertDenied(
        () -> operator.leases().inNamespace(NS).withName("someone-else").edit(l -> l), 403);
    assertDenied(
        () ->
            operator
                .rbac()
                .clusterRoleBindings()
                .resource(
                    new ClusterRoleBindingBuilder()
                        .withNewMetadata()
                        .withName("escalate")
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName(OPERATOR_SA)
                        .withNamespace(NS)
                        .endSubject()
                        .build())
                .create(),
        403);
    assertDenied(() -> operator.apps().deployments().inAnyNamespace().list(), 403);
  }

  // ---------------------------------------------------------------------------------------------

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertDenied(
      ThrowingCallable call, int code) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(code));
  }

  private static void patchStatus(KubernetesClient client, String name, String state) {
    client
        .genericKubernetesResources(OSNODES)
        .withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"agentState\":\"" + state + "\"}}");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> instruction(KubernetesClient admin, String node) {
    GenericKubernetesResource o = admin.genericKubernetesResources(OSNODES).withName(node).get();
    if (o == null) {
      return Map.of();
    }
    Map<String, Object> spec = (Map<String, Object>) o.getAdditionalProperties().get("spec");
    Object instruction = spec == null ? null : spec.get("instruction");
    return instruction == null ? Map.of() : (Map<String, Object>) instruction;
  }

  private static void ready(KubernetesClient admin, String name) {
    String now = Instant.now().toString();
    admin
        .nodes()
        .withName(name)
        .editStatus(
            n -> {
              n.getStatus()
                  .setConditions(
                      List.of(
                          new NodeConditionBuilder()
                              .withType("Ready")
                              .withStatus("True")
                              .withReason("KubeletReady")
                              .withLastHeartbeatTime(now)
                              .withLastTransitionTime(now)
                              .build()));
              return n;
            });
  }

  private static Pod workload(String name, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("web")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .build();
  }

  private static void osNode(KubernetesClient admin, String name) {
    admin.genericKubernetesResources(OSNODES).resource(osNodeObject(name)).create();
  }

  private static GenericKubernetesResource osNodeObject(String name) {
    return InstalledChart.osNode(name, GenericKubernetesResource.class);
  }

  private static GenericKubernetesResource osImage(String name, String commit) {
    return Chart.YAML.convertValue(
        Map.of(
            "apiVersion",
            "treewave.dev/v1alpha1",
            "kind",
            "OSImage",
            "metadata",
            Map.of("name", name),
            "spec",
            Map.of(
                "osName", "demo",
                "source",
                    Map.of(
                        "url", "http://127.0.0.1:1/repo", "ref", "demo/x86_64", "commit", commit),
                "verification", Map.of("mode", "Disabled"),
                "nodeSelector", Map.of("matchLabels", Map.of("treewave-it", "operator")),
                "rollout", Map.of("canary", Map.of("nodes", 1), "prefetch", true))),
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
