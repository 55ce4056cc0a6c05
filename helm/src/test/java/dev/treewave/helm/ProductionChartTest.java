package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a production install needs from the chart, rendered with the embedded Helm: the operator's
 * PodDisruptionBudget, every agent setting as a documented value, log levels, Pod Security labels
 * (or a warning), alerts that say how long, what and where to read next, CRDs that upgrade, and a
 * description on every value in the schema.
 */
class ProductionChartTest {
  private static final String OPERATOR = "tw-treewave-operator";
  private static final String AGENT = "tw-treewave-agent";
  private static final Path RUNBOOK = Chart.DIR.resolve("../../docs/runbook.md");

  private final Chart.Rendered defaults = Chart.render("");

  @Test
  void operatorHasABudgetThatKeepsOneOfItsTwoReplicas() {
    JsonNode pdb = defaults.one("PodDisruptionBudget", OPERATOR);
    assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
    assertThat(pdb.at("/spec/selector/matchLabels"))
        .isEqualTo(defaults.one("Deployment", OPERATOR).at("/spec/selector/matchLabels"));
    assertThat(
            Chart.render(
                    """
                    operator:
                      replicas: 1
                      leaderElection: {enabled: false}
                      podDisruptionBudget: {enabled: false}
                    """)
                .ofKind("PodDisruptionBudget"))
        .isEmpty();
  }

  @Test
  void aSingleReplicaGetsNoBudgetThatWouldBlockEveryDrain() {
    assertThat(
            Chart.render(
                    """
                    operator:
                      replicas: 1
                      leaderElection: {enabled: false}
                    """)
                .ofKind("PodDisruptionBudget"))
        .isEmpty();
  }

  @Test
  void everyAgentSettingIsAValuePassedUnderTheAgentsOwnName() {
    Chart.Rendered rendered =
        Chart.render(
            """
            agent:
              logLevel: debug
              logFormat: json
              javaToolOptions: "-Xss512k"
              settings:
                keepDeployments: 3
                diskReserve: 2Gi
                rebootTimeout: 20m
                resyncInterval: 30s
                heartbeatInterval: 1m
                retryBackoff: 10s
                maxAttempts: 5
                progressInterval: 2s
              securityContext: {privileged: true, runAsUser: 0, readOnlyRootFilesystem: false}
              hostRootMountPropagation: None
            """);
    JsonNode pod = rendered.one("DaemonSet", AGENT).at("/spec/template/spec");
    JsonNode agent = pod.path("containers").get(0);
    Map<String, String> expected =
        Map.of(
            "TREEWAVE_KEEP_DEPLOYMENTS", "3",
            "TREEWAVE_DISK_RESERVE", "2Gi",
            "TREEWAVE_REBOOT_TIMEOUT", "20m",
            "TREEWAVE_RESYNC_INTERVAL", "30s",
            "TREEWAVE_HEARTBEAT_INTERVAL", "1m",
            "TREEWAVE_RETRY_BACKOFF", "10s",
            "TREEWAVE_MAX_ATTEMPTS", "5",
            "TREEWAVE_PROGRESS_INTERVAL", "2s");
    expected.forEach(
        (name, value) ->
            assertThat(ChartTemplateTest.env(agent, name).path("value").asText())
                .as(name)
                .isEqualTo(value));
    assertThat(ChartTemplateTest.env(agent, "TREEWAVE_LOG_LEVEL").path("value").asText())
        .isEqualTo("debug");
    assertThat(ChartTemplateTest.env(agent, "JAVA_TOOL_OPTIONS").path("value").asText())
        .isEqualTo("-Xss512k");
    assertThat(agent.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isFalse();
    assertThat(agent.at("/volumeMounts/0/mountPropagation").asText()).isEqualTo("None");
  }

  @Test
  void defaultsAreTheAgentsOwnDefaults() {
    JsonNode agent = defaults.one("DaemonSet", AGENT).at("/spec/template/spec/containers/0");
    // The agent's defaults (AgentConfigParser): the chart states them, it does not change them.
    Map<String, String> agentDefaults =
        Map.of(
            "TREEWAVE_KEEP_DEPLOYMENTS", "2",
            "TREEWAVE_DISK_RESERVE", "1Gi",
            "TREEWAVE_REBOOT_TIMEOUT", "15m",
            "TREEWAVE_RESYNC_INTERVAL", "60s",
            "TREEWAVE_HEARTBEAT_INTERVAL", "2m",
            "TREEWAVE_RETRY_BACKOFF", "30s",
            "TREEWAVE_MAX_ATTEMPTS", "60",
            "TREEWAVE_PROGRESS_INTERVAL", "5s");
    agentDefaults.forEach(
        (name, value) ->
            assertThat(ChartTemplateTest.env(agent, name).path("value").asText())
                .as(name)
                .isEqualTo(value));
    assertThat(agent.at("/securityContext/privileged").asBoolean()).isTrue();
    JsonNode operator = defaults.one("Deployment", OPERATOR).at("/spec/template/spec/containers/0");
    assertThat(ChartTemplateTest.env(operator, "JAVA_TOOL_OPTIONS").path("value").asText())
        .startsWith("-XX:+UseSerialGC");
    for (JsonNode container : List.of(operator, agent)) {
      assertThat(ChartTemplateTest.env(container, "TREEWAVE_LOG_LEVEL").path("value").asText())
          .isEqualTo("info");
      assertThat(ChartTemplateTest.env(container, "TREEWAVE_LOG_FORMAT").path("value").asText())
          .isEqualTo("text");
    }
    // The agent's default JVM options are empty: no JAVA_TOOL_OPTIONS, so the JVM's "Picked up
    // JAVA_TOOL_OPTIONS" line does not precede the first JSON line.
    assertThat(agent.path("env").findValuesAsText("name")).doesNotContain("JAVA_TOOL_OPTIONS");
  }

  @Test
  void jsonLogFormatReachesBothProcesses() {
    Chart.Rendered rendered =
        Chart.render(
            """
            operator: {logFormat: json}
            agent: {logFormat: json}
            """);
    JsonNode operator = rendered.one("Deployment", OPERATOR).at("/spec/template/spec/containers/0");
    JsonNode agent = rendered.one("DaemonSet", AGENT).at("/spec/template/spec/containers/0");
    for (JsonNode container : List.of(operator, agent)) {
      assertThat(ChartTemplateTest.env(container, "TREEWAVE_LOG_FORMAT").path("value").asText())
          .isEqualTo("json");
    }
  }

  @Test
  void aNamespaceTheChartCreatesIsLabelledPrivilegedAndHoldsEverything() {
    Chart.Rendered rendered =
        Chart.render("namespace: {create: true, name: fleet-os, labels: {team: os}}");
    JsonNode ns = rendered.one("Namespace", "fleet-os");
    for (String mode : List.of("enforce", "audit", "warn")) {
      assertThat(ns.at("/metadata/labels/pod-security.kubernetes.io~1" + mode).asText())
          .isEqualTo("privileged");
    }
    assertThat(ns.at("/metadata/labels/team").asText()).isEqualTo("os");
    assertThat(ns.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
    Set<String> namespaces =
        rendered.docs().stream()
            .map(d -> d.at("/metadata/namespace").asText())
            .filter(n -> !n.isEmpty() && !n.equals("default"))
            .collect(Collectors.toSet());
    assertThat(namespaces).containsExactly("fleet-os");
    assertThat(rendered.text()).doesNotContain(Chart.NAMESPACE);
  }

  @Test
  void withoutItNotesSayHowToLabelTheReleaseNamespace() {
    assertThat(Chart.notes(""))
        .contains("WARNING: Pod Security")
        .contains(
            "kubectl label namespace treewave-system"
                + " pod-security.kubernetes.io/enforce=privileged --overwrite");
    assertThat(Chart.notes("namespace: {create: true, name: fleet-os}"))
        .doesNotContain("WARNING: Pod Security")
        .contains("Namespace fleet-os was created with Pod Security level privileged");
  }

  @Test
  void everyAlertWaitsDescribesAndLinksToItsRunbookSection() throws IOException {
    Set<String> anchors = anchors(Files.readString(RUNBOOK));
    JsonNode rule =
        Chart.render("monitoring: {prometheusRule: {enabled: true}}")
            .one("PrometheusRule", "tw-treewave");
    List<String> alerts = new ArrayList<>();
    for (JsonNode group : rule.at("/spec/groups")) {
      for (JsonNode r : group.path("rules")) {
        String alert = r.path("alert").asText();
        alerts.add(alert);
        assertThat(r.path("for").asText()).as(alert + " for").isNotBlank();
        assertThat(r.at("/annotations/summary").asText()).as(alert + " summary").isNotBlank();
        assertThat(r.at("/annotations/description").asText())
            .as(alert + " description")
            .isNotBlank();
        String url = r.at("/annotations/runbook_url").asText();
        assertThat(url)
            .as(alert + " runbook_url")
            .startsWith("https://github.com/treewave/treewave/blob/main/docs/runbook.md#");
        assertThat(anchors)
            .as(alert + ": docs/runbook.md has a heading for " + url)
            .contains(url.substring(url.indexOf('#') + 1));
      }
    }
    assertThat(alerts).hasSize(5);
  }

  @Test
  void noDashboardPanelClaimsAPercentileItDoesNotCompute() throws IOException {
    JsonNode map = defaults.one("ConfigMap", "tw-treewave-dashboard");
    JsonNode dashboard = new ObjectMapper().readTree(map.at("/data/treewave.json").asText());
    for (JsonNode panel : dashboard.path("panels")) {
      String title = panel.path("title").asText().toLowerCase(Locale.ROOT);
      List<String> exprs = new ArrayList<>();
      panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
      if (title.matches(".*\\b(p[0-9]{2}|percentile|median)\\b.*")) {
        assertThat(exprs).as(title).anyMatch(e -> e.contains("histogram_quantile"));
      }
    }
    assertThat(dashboard.toString()).contains("Node out of service (mean / max)");
  }

  @Test
  void crdsAreTemplatesKeptOnUninstallAndEqualToTheGeneratedOnes() throws IOException {
    List<JsonNode> crds = defaults.ofKind("CustomResourceDefinition");
    assertThat(crds).hasSize(2);
    for (JsonNode crd : crds) {
      String name = crd.at("/metadata/name").asText();
      assertThat(crd.at("/metadata/annotations/helm.sh~1resource-policy").asText())
          .as(name)
          .isEqualTo("keep");
      JsonNode file =
          Chart.YAML.readTree(Chart.DIR.resolve("crd-files/" + name + "-v1.yml").toFile());
      assertThat(numbersAsDoubles(crd.path("spec")))
          .as(name + " spec")
          .isEqualTo(numbersAsDoubles(file.path("spec")));
    }
    assertThat(Chart.render("crds: {install: false}").ofKind("CustomResourceDefinition")).isEmpty();
  }

  @Test
  void everyValueInTheSchemaIsDescribed() throws IOException {
    JsonNode schema = new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());
    List<String> undescribed = new ArrayList<>();
    collectUndescribed(schema, "", undescribed);
    assertThat(undescribed).as("values.schema.json properties without a description").isEmpty();
  }

  private static void collectUndescribed(JsonNode node, String path, List<String> out) {
    node.path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              String at = path + "." + e.getKey();
              if (e.getValue().path("description").asText().isBlank()) {
                out.add(at);
              }
              collectUndescribed(e.getValue(), at, out);
            });
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
  static Set<String> anchors(String markdown) {
    return markdown
        .lines()
        .filter(l -> l.startsWith("#"))
        .map(l -> l.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT))
        .map(l -> l.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
        .collect(Collectors.toSet());
  }

  /** Helm's fromYaml reads every number as a float: compare numbers by value. */
  private static JsonNode numbersAsDoubles(JsonNode node) throws IOException {
    String text = Chart.YAML.writeValueAsString(node);
    JsonNode copy = Chart.YAML.readTree(text);
    return convert(copy);
  }

  private static JsonNode convert(JsonNode node) {
    if (node.isObject()) {
      var object = (com.fasterxml.jackson.databind.node.ObjectNode) node;
      object.fields().forEachRemaining(e -> object.set(e.getKey(), convert(e.getValue())));
      return object;
    }
    if (node.isArray()) {
      var array = (com.fasterxml.jackson.databind.node.ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, convert(array.get(i)));
      }
      return array;
    }
    if (node.isNumber()) {
      return com.fasterxml.jackson.databind.node.DoubleNode.valueOf(node.asDouble());
    }
    return node;
  }
}
