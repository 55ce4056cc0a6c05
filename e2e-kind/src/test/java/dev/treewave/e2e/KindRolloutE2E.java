package dev.treewave.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The whole system on a real Kind cluster made offline on this machine (no registry: the node
 * image, kind and the images' JRE base come from {@code kind/offline/build.sh}): one control plane
 * and two workers with real kubelets, the chart installed with Helm from the locally built operator
 * and agent images (two operator replicas, leader-elected; one agent pod per worker on a scratch
 * sysroot inside the node), and a PDB-protected Deployment on the workers. Rolls v1 → v2 out with
 * real cordons and real evictions; each reboot is played inside the node by {@code kind/boot.sh}
 * (the default entry becomes the booted one, the boot id changes and the agent's container is
 * killed and restarted by the kubelet); the health gate waits for the restarted agent pod to be
 * Ready. Then rolls back to v1. The rollout invariants are polled every 100 ms throughout.
 *
 * <p>Skipped, with the reason, where no Docker daemon can be used (not root and none running).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KindRolloutE2E {

  private static final String IMAGE = "kind-os";
  private static final String CLUSTER = "tw-e2e";
  private static final int WORKERS = 2;
  private static final String NS = LocalCluster.SYSTEM_NAMESPACE;
  private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();

  private static KindCluster kind;
  private static KubernetesClient client;
  private static OsRepository repository;
  private static String repoUrl;
  private static List<String> workers;

  @RegisterExtension
  static final TestWatcher LOGS_ON_FAILURE =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          printProductLogs();
        }
      };

  @BeforeAll
  static void start() throws Exception {
    String reason = KindCluster.unavailableReason();
    assumeTrue(reason.isEmpty(), "Kind needs Docker: " + reason);
    long t0 = System.nanoTime();
    kind = KindCluster.createUnderTarget(REPO_ROOT, CLUSTER, clusterConfig(), KindRolloutE2E::say);
    say(String.format("cluster up in %.1f s", (System.nanoTime() - t0) / 1e9));
    client = kind.client();
    workers =
        client.nodes().withLabel(LocalCluster.POOL_LABEL).list().getItems().stream()
            .map(n -> n.getMetadata().getName())
            .sorted()
            .toList();
    assertThat(workers).hasSize(WORKERS);

    t0 = System.nanoTime();
    // Always built here, tagged :kind on the offline JRE base: tars another test left in target/
    // (ImagesIT's bin/build-images) carry the release tag, which the Kind values do not name.
    kind.script("images.sh", Duration.ofMinutes(30), "TREEWAVE_KIND_IMAGES_PREBUILT", "0");
    say(String.format("images built and loaded in %.1f s", (System.nanoTime() - t0) / 1e9));

    serveRepository();
    kind.script(
        "prepare-nodes.sh",
        Duration.ofMinutes(5),
        "TREEWAVE_KIND_NODES",
        String.join(" ", workers));

    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(LocalCluster.KEYS_CONFIG_MAP)
                .withNamespace(NS)
                .endMetadata()
                .addToData("ed25519.pub", repository.publicKey() + "\n")
                .build())
        .serverSideApply();
    t0 = System.nanoTime();
    Path values = kind.work().resolve("values-e2e.yaml");
    Files.writeString(
        values,
        """
        # The operator where the chart puts it, on the workers: draining a worker evicts a replica
        # (the leader's included, its node goes last) under the operator's own PDB, and the replica
        # evicted first lands beside the other one, so the last worker's drain waits for it to be
        # Ready and then evicts both, one at a time (RolloutIT#aBudgetThatAllowsAnEviction...).
        agent:
          runOnControlPlane: false
          nodeSelector:
            %s: demo
          settings:
            resyncInterval: 5s
            heartbeatInterval: 10s
        """
            .formatted(LocalCluster.POOL_LABEL));
    new Helm(REPO_ROOT.resolve("helm/treewave"))
        .install()
        .withName("treewave")
        .withNamespace(NS)
        .withKubeConfigContents(kind.kubeconfigYaml())
        .withValuesFile(REPO_ROOT.resolve("e2e-kind/kind/values-kind.yaml"))
        .withValuesFile(values)
        .waitReady()
        .withTimeout(300)
        .call();
    say(String.format("chart installed and ready in %.1f s", (System.nanoTime() - t0) / 1e9));
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("treewave-operator")
                .get()
                .getStatus()
                .getReadyReplicas())
        .isEqualTo(2);
    workload();
  }

  private static String clusterConfig() {
    StringBuilder yaml =
        new StringBuilder(
            """
            kind: Cluster
            apiVersion: kind.x-k8s.io/v1alpha4
            nodes:
              - role: control-plane
            """);
    for (int i = 0; i < WORKERS; i++) {
      yaml.append(
          """
            - role: worker
              labels:
                %s: demo
          """
              .formatted(LocalCluster.POOL_LABEL));
    }
    return yaml.toString();
  }

  /**
   * The signed v1/v2 repository ({@link OsRepository}, built here) copied into the control-plane
   * node and served there by busybox httpd; the agents pull it over the cluster network.
   */
  private static void serveRepository() throws Exception {
    Path kindWork = kind.work();
    // prepare-nodes.sh deploys v1 from $WORK/repo, the directory this creates
    repository = OsRepository.create(kindWork);
    repository.down();
    Files.writeString(kindWork.resolve("v1.commit"), repository.v1() + "\n");
    Files.writeString(kindWork.resolve("v2.commit"), repository.v2() + "\n");
    String cp = kind.controlPlaneNode();
    kind.exec(cp, "mkdir", "-p", "/srv");
    kind.docker("cp", repository.path().toString(), cp + ":/srv/repo");
    kind.docker("exec", "-d", cp, "busybox", "httpd", "-f", "-p", "8080", "-h", "/srv");
    String ip =
        client.nodes().withName(cp).get().getStatus().getAddresses().stream()
            .filter(a -> "InternalIP".equals(a.getType()))
            .map(io.fabric8.kubernetes.api.model.NodeAddress::getAddress)
            .findFirst()
            .orElseThrow();
    repoUrl = "http://" + ip + ":8080/repo";
    say("repository at " + repoUrl + " (v1 " + repository.v1() + ", v2 " + repository.v2() + ")");
  }

  /** Two replicas spread over the workers, at least one available (PDB). */
  private static void workload() {
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(LocalCluster.APPS_NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    client
        .load(
            new java.io.ByteArrayInputStream(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: apps}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      topologySpreadConstraints:
                        - maxSkew: 1
                          topologyKey: kubernetes.io/hostname
                          whenUnsatisfiable: ScheduleAnyway
                          labelSelector: {matchLabels: {app: web}}
                      containers:
                        - name: app
                          image: registry.k8s.io/pause:3.10
                          imagePullPolicy: Never
                ---
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: web, namespace: apps}
                spec:
                  minAvailable: 1
                  selector: {matchLabels: {app: web}}
                """
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .serverSideApply();
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> {
              var d = client.apps().deployments().inNamespace("apps").withName("web").get();
              return d.getStatus() != null
                  && Integer.valueOf(2).equals(d.getStatus().getReadyReplicas());
            });
  }

  @AfterAll
  static void stop() {
    if (repository != null) {
      repository.close();
    }
    if (kind != null) {
      kind.close();
    }
  }

  @Test
  @Order(1)
  void rollsV2OutThroughRealDrainsAndPlayedRebootsWithinTheBudget() throws Exception {
    String v2 = repository.v2();
    Set<String> podsBefore = workloadPodUids();
    Set<String> operatorBefore = operatorPodUids();
    assertThat(operatorBefore).hasSize(2);
    Map<String, Integer> restartsBefore = agentRestarts();
    long t0 = System.nanoTime();
    try (Invariants invariants = new Invariants(client, IMAGE, 1);
        RolloutWatch watch = new RolloutWatch(client, IMAGE, 2, KindRolloutE2E::say)) {
      client.resource(osImage(v2)).serverSideApply();
      OSImage done =
          invariants.await(
              Duration.ofMinutes(15),
              "Completed on " + v2,
              i ->
                  i.getStatus() != null
                      && i.getStatus().phase() == OSImagePhase.Completed
                      && v2.equals(i.getStatus().targetCommit()));
      say(String.format("rollout to v2 completed in %.1f s", (System.nanoTime() - t0) / 1e9));
      assertThat(done.getStatus().nodes().updated()).isEqualTo(WORKERS);
      invariants.assertHeld();
      assertThat(watch.maxUnavailable()).as("nodes unavailable at once").isEqualTo(1);
      assertThat(watch.minReadyPods()).as("ready pods of the PDB-protected workload").isPositive();
      assertThat(watch.cordonsPerNode()).containsOnlyKeys(workers);
    }
    assertEveryWorkerBoots(v2);
    // Every worker was drained: the pods that ran before were all evicted and replaced.
    assertThat(workloadPodUids()).doesNotContainAnyElementsOf(podsBefore).hasSize(2);
    // The operator drained the nodes it ran on: both replicas, the leader included, were evicted
    // by it and replaced, and it finished the rollout from the new ones.
    assertThat(operatorPodUids()).doesNotContainAnyElementsOf(operatorBefore);
    // Every agent went down with its "reboot" and came back in a restarted container.
    Map<String, Integer> restartsAfter = agentRestarts();
    for (String worker : workers) {
      assertThat(restartsAfter.get(worker))
          .as("agent container restarts on " + worker)
          .isGreaterThan(restartsBefore.getOrDefault(worker, 0));
    }
  }

  @Test
  @Order(2)
  void pinningV1AgainRollsEveryWorkerBack() throws Exception {
    String v1 = repository.v1();
    long t0 = System.nanoTime();
    try (Invariants invariants = new Invariants(client, IMAGE, 1);
        RolloutWatch watch = new RolloutWatch(client, IMAGE, 2, KindRolloutE2E::say)) {
      client.resource(osImage(v1)).serverSideApply();
      invariants.await(
          Duration.ofMinutes(15),
          "Completed on " + v1,
          i ->
              i.getStatus() != null
                  && i.getStatus().phase() == OSImagePhase.Completed
                  && v1.equals(i.getStatus().targetCommit()));
      say(String.format("rollback to v1 completed in %.1f s", (System.nanoTime() - t0) / 1e9));
      invariants.assertHeld();
      assertThat(watch.minReadyPods()).isPositive();
    }
    assertEveryWorkerBoots(v1);
  }

  private static OSImage osImage(String commit) {
    String yaml =
        """
        apiVersion: treewave.dev/v1alpha1
        kind: OSImage
        metadata:
          name: %s
        spec:
          osName: treewave-demo
          source:
            url: %s
            ref: %s
            commit: "%s"
          verification:
            mode: Ed25519
            keys:
              - configMapRef: {namespace: %s, name: %s, key: ed25519.pub}
          nodeSelector:
            matchLabels: {%s: demo}
          rollout:
            maxUnavailable: 1
            prefetch: true
          drain:
            timeout: 5m
            # the operator's own replicas run on the workers too, with an emptyDir for /tmp
            deleteEmptyDirData: true
          health:
            timeout: 5m
            stablePeriod: 5s
            namespaces: [%s]
            podSelectors:
              - matchLabels: {app.kubernetes.io/component: agent}
        """
            .formatted(
                IMAGE,
                repoUrl,
                OsRepository.REF,
                commit,
                NS,
                LocalCluster.KEYS_CONFIG_MAP,
                LocalCluster.POOL_LABEL,
                NS);
    return client.getKubernetesSerialization().unmarshal(yaml, OSImage.class);
  }

  /**
   * What each worker's sysroot says is booted (the deployment its simulated kernel command line
   * names) and what its agent reports.
   */
  private static void assertEveryWorkerBoots(String commit) throws IOException {
    for (String worker : workers) {
      String deployment =
          kind.exec(
                  worker,
                  "sh",
                  "-c",
                  "root="
                      + KindCluster.SYSROOT
                      + "; arg=$(tr ' ' '\\n' <$root/treewave-kind/proc/cmdline"
                      + " | sed -n 's/^ostree=//p'); basename \"$(readlink -f \"$root$arg\")\"")
              .strip();
      assertThat(deployment).as("deployment booted on " + worker).startsWith(commit + ".");
      OSNode node = client.resources(OSNode.class).withName(worker).get();
      assertThat(node.getStatus().booted().commit()).as("OSNode " + worker).isEqualTo(commit);
    }
    assertThat(
            client.nodes().list().getItems().stream()
                .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                .map(n -> n.getMetadata().getName()))
        .as("cordoned nodes")
        .isEmpty();
  }

  private static Set<String> workloadPodUids() {
    return client.pods().inNamespace("apps").withLabel("app", "web").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getUid())
        .collect(Collectors.toSet());
  }

  private static Set<String> operatorPodUids() {
    return client
        .pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/component", "operator")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getUid())
        .collect(Collectors.toSet());
  }

  private static Map<String, Integer> agentRestarts() {
    Map<String, Integer> restarts = new HashMap<>();
    for (Pod p : agentPods()) {
      int n =
          p.getStatus().getContainerStatuses().stream()
              .mapToInt(ContainerStatus::getRestartCount)
              .sum();
      restarts.put(p.getSpec().getNodeName(), n);
    }
    return restarts;
  }

  private static List<Pod> agentPods() {
    return client
        .pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/component", "agent")
        .list()
        .getItems();
  }

  /** The operator's and agents' logs (and each agent's previous container), for a failed test. */
  private static void printProductLogs() {
    if (kind != null) {
      System.out.print(kind.podLogs(NS));
    }
  }

  private static void say(String line) {
    System.out.println("[kind-e2e] " + line);
  }
}
