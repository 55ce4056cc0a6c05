package dev.treewave.helm;

import static dev.treewave.helm.Chart.Rule.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.treewave.helm.Chart.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RBAC is exactly what the operator's and agent's code call, nothing more. When the code starts
 * calling something new, this test and the chart change together (and OperatorRbacIT proves the
 * running operator has enough).
 */
class RbacTest {
  private final Chart.Rendered defaults = Chart.render("");

  @Test
  void operatorClusterRoleIsExactlyWhatTheOperatorCalls() {
    assertThat(Rule.of(defaults.one("ClusterRole", "tw-treewave-operator")))
        .containsExactly(
            of("treewave.dev", "osimages", "get", "list", "watch", "patch"),
            of("treewave.dev", "osimages/status", "patch"),
            of("treewave.dev", "osnodes", "get", "list", "watch", "create", "patch"),
            of("", "nodes", "get", "list", "watch", "patch"),
            of("", "pods", "list"),
            of("", "pods/eviction", "create"),
            of("policy", "poddisruptionbudgets", "list"));
  }

  @Test
  void podDeletesAreGrantedAndPassedToTheOperatorOnlyWhenForcedDrainsAreEnabled() {
    assertThat(Rule.of(defaults.one("ClusterRole", "tw-treewave-operator")))
        .noneMatch(r -> r.verbs().contains("delete"));
    assertThat(operatorArgs(defaults)).doesNotContain("--allow-force-delete");

    Chart.Rendered forced = Chart.render("operator: {drain: {allowForceDelete: true}}");
    assertThat(Rule.of(forced.one("ClusterRole", "tw-treewave-operator")))
        .contains(of("", "pods", "list", "delete"))
        .filteredOn(r -> r.verbs().contains("delete"))
        .singleElement()
        .satisfies(r -> assertThat(r.resources()).containsExactly("pods"));
    assertThat(operatorArgs(forced)).contains("--allow-force-delete");
  }

  private static List<String> operatorArgs(Chart.Rendered rendered) {
    return Chart.strings(
        rendered
            .one("Deployment", "tw-treewave-operator")
            .at("/spec/template/spec/containers/0/args"));
  }

  @Test
  void operatorRoleCoversOnlyItsLeaseAndEventsInItsNamespace() {
    JsonNode role = defaults.one("Role", "tw-treewave-operator");
    assertThat(role.at("/metadata/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(Rule.of(role))
        .containsExactly(
            of("coordination.k8s.io", "leases", "create"),
            of("coordination.k8s.io", "leases", "get", "update", "patch")
                .named("treewave-operator"),
            of("", "events", "create"));
  }

  @Test
  void operatorMayCreateEventsInDefaultWhereClusterScopedObjectsEventsLive() {
    JsonNode role = defaults.one("Role", "tw-treewave-operator-events");
    assertThat(role.at("/metadata/namespace").asText()).isEqualTo("default");
    assertThat(Rule.of(role)).containsExactly(of("", "events", "create", "patch"));
    JsonNode binding = defaults.one("RoleBinding", "tw-treewave-operator-events");
    assertThat(binding.at("/metadata/namespace").asText()).isEqualTo("default");
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
  }

  @Test
  void agentMayReadOsNodesAndPatchOnlyTheirStatus() {
    assertThat(Rule.of(defaults.one("ClusterRole", "tw-treewave-agent")))
        .containsExactly(
            of("treewave.dev", "osnodes", "get", "list", "watch"),
            of("treewave.dev", "osnodes/status", "patch"));
  }

  @Test
  void agentKeyAccessIsGetOnlyAndWhereConfigured() {
    assertThat(Rule.of(defaults.one("Role", "tw-treewave-agent-keys-0")))
        .as("by default exactly one named ConfigMap, never every ConfigMap of the namespace")
        .containsExactly(of("", "configmaps", "get").named("treewave-trusted-keys"));
    Chart.Rendered rendered =
        Chart.render(
            """
            agent:
              trustedKeys:
                - {namespace: keys, kind: Secret, names: [ostree-ed25519]}
                - {namespace: "", kind: ConfigMap, names: [gpg-pub, ed25519-pub]}
            """);
    JsonNode secrets = rendered.one("Role", "tw-treewave-agent-keys-0");
    assertThat(secrets.at("/metadata/namespace").asText()).isEqualTo("keys");
    assertThat(Rule.of(secrets)).containsExactly(of("", "secrets", "get").named("ostree-ed25519"));
    JsonNode binding = rendered.one("RoleBinding", "tw-treewave-agent-keys-0");
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("tw-treewave-agent");
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(Rule.of(rendered.one("Role", "tw-treewave-agent-keys-1")))
        .containsExactly(of("", "configmaps", "get").named("gpg-pub", "ed25519-pub"));
    for (JsonNode role : rendered.ofKind("Role")) {
      for (Rule rule : Rule.of(role)) {
        if (rule.resources().contains("configmaps") || rule.resources().contains("secrets")) {
          assertThat(rule.names()).as("keys are always named").isNotEmpty();
        }
      }
    }
    assertThat(Chart.render("agent: {trustedKeys: []}").ofKind("Role"))
        .extracting(r -> r.at("/metadata/name").asText())
        .containsExactly("tw-treewave-operator", "tw-treewave-operator-events");
  }

  @Test
  void anEntryWithoutNamesIsRefusedNotWidenedToEveryObject() {
    assertThatThrownBy(
            () ->
                Chart.render("agent: {trustedKeys: [{namespace: '', kind: ConfigMap, names: []}]}"))
        .hasMessageContaining("schema")
        .hasMessageContaining("names");
    assertThatThrownBy(() -> Chart.render("agent: {trustedKeys: [{namespace: '', kind: Secret}]}"))
        .hasMessageContaining("schema")
        .hasMessageContaining("names");
  }

  @Test
  void noWildcardsNoSecretsForTheOperatorNoEscalation() {
    for (String kind : List.of("Role", "ClusterRole")) {
      for (JsonNode role : defaults.ofKind(kind)) {
        for (Rule rule : Rule.of(role)) {
          assertThat(rule.verbs()).doesNotContain("*", "escalate", "bind", "impersonate");
          assertThat(rule.resources()).doesNotContain("*");
          assertThat(rule.apiGroups()).doesNotContain("*");
          if (role.at("/metadata/name").asText().contains("operator")) {
            assertThat(rule.resources()).doesNotContain("secrets", "configmaps");
          }
          assertThat(rule.resources())
              .as("nobody may delete nodes or OSNodes")
              .noneMatch(
                  r -> List.of("nodes", "osnodes").contains(r) && rule.verbs().contains("delete"));
        }
      }
    }
  }

  @Test
  void bindingsPointAtTheChartsServiceAccounts() {
    for (String name : List.of("tw-treewave-operator", "tw-treewave-agent")) {
      JsonNode binding = defaults.one("ClusterRoleBinding", name);
      assertThat(binding.at("/roleRef/name").asText()).isEqualTo(name);
      assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
      assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(name);
      assertThat(defaults.one("ServiceAccount", name)).isNotNull();
    }
  }
}
