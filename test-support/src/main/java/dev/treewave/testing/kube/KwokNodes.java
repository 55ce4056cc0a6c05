package dev.treewave.testing.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fake Nodes run by kwok: it keeps them Ready (status and leases), marks Pods bound to them Running
 * and Ready, and completes their deletion. kwok manages exactly the Nodes annotated {@value
 * #ANNOTATION}={@value #ANNOTATION_VALUE}.
 *
 * <p>By default the Nodes are <em>not</em> tainted: every node of the test cluster is fake, so
 * ordinary Pods and DaemonSets should land on them. {@link #createTainted} adds kwok's usual {@code
 * kwok.x-k8s.io/node=fake:NoSchedule} taint; Pods then need {@link #toleration()}.
 */
public final class KwokNodes {

  public static final String ANNOTATION = "kwok.x-k8s.io/node";
  public static final String ANNOTATION_VALUE = "fake";
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final KubernetesClient client;

  KwokNodes(KubernetesClient client) {
    this.client = client;
  }

  /** Creates an untainted kwok Node with these extra labels (returns at once, maybe not Ready). */
  public Node create(String name, Map<String, String> labels) {
    return client.nodes().resource(template(name, labels, false)).create();
  }

  /** Creates a kwok Node carrying the {@code kwok.x-k8s.io/node=fake:NoSchedule} taint. */
  public Node createTainted(String name, Map<String, String> labels) {
    return client.nodes().resource(template(name, labels, true)).create();
  }

  /** Creates an untainted kwok Node and waits until kwok reports it Ready. */
  public Node createReady(String name, Map<String, String> labels) {
    create(name, labels);
    return awaitReady(name);
  }

  /** Waits (up to {@link #READY_TIMEOUT}) until Node {@code name} has condition Ready=True. */
  public Node awaitReady(String name) {
    return client
        .nodes()
        .withName(name)
        .waitUntilCondition(KwokNodes::isReady, READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  public static boolean isReady(Node node) {
    return node != null
        && node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** kwok's taint, as {@link #createTainted} sets it. */
  public static Taint taint() {
    return new TaintBuilder()
        .withKey(ANNOTATION)
        .withValue(ANNOTATION_VALUE)
        .withEffect("NoSchedule")
        .build();
  }

  /** Tolerates {@link #taint()}; add it to Pod specs meant for tainted kwok Nodes. */
  public static Toleration toleration() {
    return new TolerationBuilder()
        .withKey(ANNOTATION)
        .withOperator("Exists")
        .withEffect("NoSchedule")
        .build();
  }

  /**
   * The Node object: kwok's annotation, the usual well-known labels, and capacity for plenty of
   * Pods. Nodes keep the status they are created with, which the scheduler needs (allocatable).
   */
  public static Node template(String name, Map<String, String> labels, boolean tainted) {
    Map<String, String> allLabels = new LinkedHashMap<>();
    allLabels.put("kubernetes.io/hostname", name);
    allLabels.put("kubernetes.io/os", "linux");
    allLabels.put("kubernetes.io/arch", "amd64");
    allLabels.put("type", "kwok");
    allLabels.putAll(labels);
    Map<String, Quantity> capacity =
        Map.of(
            "cpu", new Quantity("32"),
            "memory", new Quantity("256Gi"),
            "pods", new Quantity("110"));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(allLabels)
        .withAnnotations(Map.of(ANNOTATION, ANNOTATION_VALUE, "node.alpha.kubernetes.io/ttl", "0"))
        .endMetadata()
        .withNewSpec()
        .withTaints(tainted ? List.of(taint()) : List.of())
        .endSpec()
        .withNewStatus()
        .withCapacity(capacity)
        .withAllocatable(capacity)
        .withNewNodeInfo()
        .withArchitecture("amd64")
        .withOperatingSystem("linux")
        .withKubeletVersion("fake")
        .withKubeProxyVersion("fake")
        .endNodeInfo()
        .endStatus()
        .build();
  }
}
