package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What `helm template` produces, with the defaults and with the options users turn on. */
class ChartTemplateTest {
  private static final String OPERATOR = "tw-treewave-operator";
  private static final String AGENT = "tw-treewave-agent";

  private final Chart.Rendered defaults = Chart.render("");

  @Test
  void defaultsRenderTheCoreAndNoMonitoringCrs() {
    assertThat(defaults.kinds())
        .contains(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment",
            "DaemonSet",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "ConfigMap")
        .doesNotContain("ServiceMonitor", "PrometheusRule", "Service");
    for (JsonNode doc : defaults.docs()) {
      String kind = doc.path("kind").asText();
      boolean clusterScoped =
          kind.startsWith("Cluster")
              || kind.startsWith("ValidatingAdmissionPolicy")
              || kind.equals("CustomResourceDefinition");
      boolean eventsInDefault = doc.at("/metadata/name").asText().endsWith("-events");
      assertThat(doc.path("metadata").path("namespace").asText())
          .as(kind + " namespace")
          .isEqualTo(clusterScoped ? "" : eventsInDefault ? "default" : Chart.NAMESPACE);
      assertThat(doc.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText())
          .as(kind + " labels")
          .isEqualTo("treewave");
    }
  }

  @Test
  void operatorRunsTwoLeaderElectedNonRootReplicasWithProbes() {
    JsonNode deployment = defaults.one("Deployment", OPERATOR);
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    JsonNode pod = deployment.at("/spec/template/spec");
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo(OPERATOR);
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    JsonNode container = pod.path("containers").get(0);
    assertThat(container.path("image").asText())
        .isEqualTo("ghcr.io/treewave/treewave-operator:0.1.0");
    assertThat(Chart.strings(container.path("args")))
        .containsExactly("run", "--lease-name=treewave-operator", "--ref-poll-interval=1m");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(Chart.strings(container.at("/securityContext/capabilities/drop")))
        .containsExactly("ALL");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("512Mi");
    assertThat(env(container, "POD_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.namespace");
    assertThat(env(container, "TREEWAVE_METRICS_BIND").path("value").asText())
        .isEqualTo("0.0.0.0:8080");
  }

  @Test
  void notesWarnThatTheReleaseNamespaceIsATrustBoundaryAndNameWidenedRights() {
    String defaultNotes = Chart.notes("");
    assertThat(defaultNotes)
        .contains("namespace treewave-system is now a trust boundary equal to kube-system")
        .contains("ConfigMaps in treewave-system: treewave-trusted-keys")
        .doesNotContain("allowForceDelete=true")
        .doesNotContain("admissionPolicy.enabled=false");
    assertThat(
            Chart.notes(
                "operator: {drain: {allowForceDelete: true}, admissionPolicy: {enabled: false}}"))
        .contains("operator.drain.allowForceDelete=true: the operator's token may delete any pod")
        .contains("operator.admissionPolicy.enabled=false");
  }

  @Test
  void singleReplicaWithoutLeaderElectionPassesTheFlag() {
    JsonNode deployment =
        Chart.render("operator: {replicas: 1, leaderElection: {enabled: false}}")
            .one("Deployment", OPERATOR);
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(Chart.strings(deployment.at("/spec/template/spec/containers/0/args")))
        .contains("--no-leader-election");
  }

  @Test
  void agentIsPrivilegedWithHostPidAndTheHostRootAtHost() {
    JsonNode ds = defaults.one("DaemonSet", AGENT);
    JsonNode pod = ds.at("/spec/template/spec");
    assertThat(pod.path("hostPID").asBoolean()).isTrue();
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo(AGENT);
    assertThat(pod.path("priorityClassName").asText()).isEqualTo("system-node-critical");
    assertThat(ds.at("/spec/updateStrategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(ds.at("/spec/updateStrategy/rollingUpdate/maxUnavailable").asInt()).isEqualTo(1);
    JsonNode container = pod.path("containers").get(0);
    assertThat(container.at("/securityContext/privileged").asBoolean()).isTrue();
    assertThat(env(container, "NODE_NAME").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("spec.nodeName");
    assertThat(env(container, "TREEWAVE_HOST_ROOT").path("value").asText()).isEqualTo("/host");
    assertThat(env(container, "TREEWAVE_REBOOT_STRATEGY").path("value").asText())
        .isEqualTo("systemd");
    JsonNode mount = find(container.path("volumeMounts"), "name", "host");
    assertThat(mount.path("mountPath").asText()).isEqualTo("/host");
    JsonNode volume = find(pod.path("volumes"), "name", "host");
    assertThat(volume.at("/hostPath/path").asText()).isEqualTo("/");
    assertThat(pod.has("tolerations")).as("no control-plane tolerations by default").isFalse();
    // Not /readyz: that needs an OSNode, and untargeted nodes have none.
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/healthz");
  }

  @Test
  void agentRunsOnControlPlaneNodesWhenAsked() {
    JsonNode pod =
        Chart.render(
                """
                agent:
                  runOnControlPlane: true
                  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]
                  rebootStrategy: command
                  rebootCommand: /usr/local/bin/safe-reboot --now
                """)
            .one("DaemonSet", AGENT)
            .at("/spec/template/spec");
    List<String> keys = new ArrayList<>();
    pod.path("tolerations").forEach(t -> keys.add(t.path("key").asText()));
    assertThat(keys)
        .containsExactly(
            "node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master", "dedicated");
    JsonNode container = pod.path("containers").get(0);
    assertThat(env(container, "TREEWAVE_REBOOT_COMMAND").path("value").asText())
        .isEqualTo("/usr/local/bin/safe-reboot --now");
  }

  @Test
  void digestPinsTheImage() {
    String digest = "sha256:" + "ab".repeat(32);
    JsonNode ds =
        Chart.render("agent: {image: {repository: reg.local/agent, digest: " + digest + "}}")
            .one("DaemonSet", AGENT);
    assertThat(ds.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("reg.local/agent@" + digest);
  }

  @Test
  void monitoringResourcesAppearOnlyWhenEnabled() throws Exception {
    Chart.Rendered rendered =
        Chart.render(
            """
            monitoring:
              serviceMonitor: {enabled: true, labels: {release: prom}}
              prometheusRule: {enabled: true, stalledFor: 2h}
            """);
    assertThat(rendered.ofKind("ServiceMonitor")).hasSize(2);
    assertThat(rendered.ofKind("Service")).hasSize(2);
    JsonNode monitor = rendered.one("ServiceMonitor", "tw-treewave-operator");
    assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prom");
    assertThat(monitor.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText())
        .isEqualTo("operator");
    JsonNode rule = rendered.one("PrometheusRule", "tw-treewave");
    List<String> alerts = new ArrayList<>();
    String stalledExpr = null;
    for (JsonNode group : rule.at("/spec/groups")) {
      for (JsonNode r : group.path("rules")) {
        alerts.add(r.path("alert").asText());
        if ("TreewaveRolloutStalled".equals(r.path("alert").asText())) {
          stalledExpr = r.path("expr").asText();
        }
      }
    }
    assertThat(alerts)
        .contains("TreewaveRolloutStalled", "TreewaveNodeFailed", "TreewaveDrainBlocked");
    assertThat(stalledExpr).contains("[2h]").contains("treewave_nodes");
  }

  @Test
  void dashboardIsValidJsonOverTheOperatorsMetrics() throws Exception {
    JsonNode map = defaults.one("ConfigMap", "tw-treewave-dashboard");
    assertThat(map.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    JsonNode dashboard = new ObjectMapper().readTree(map.at("/data/treewave.json").asText());
    assertThat(dashboard.path("uid").asText()).isEqualTo("treewave-rollouts");
    List<String> exprs = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    assertThat(exprs)
        .anyMatch(e -> e.contains("treewave_nodes"))
        .anyMatch(e -> e.contains("treewave_agent_"));
    assertThat(Chart.render("monitoring: {grafanaDashboard: {enabled: false}}").ofKind("ConfigMap"))
        .isEmpty();
  }

  static JsonNode env(JsonNode container, String name) {
    return find(container.path("env"), "name", name);
  }

  static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.path(field).asText())) {
        return n;
      }
    }
    throw new AssertionError("no " + field + "=" + value + " in " + array);
  }
}
