package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rendered shape of the agent's ValidatingAdmissionPolicy; AgentAdmissionPolicyIT runs it. */
class AdmissionPolicyTest {
  private static final String NAME = "tw-treewave-agent-own-osnode";

  @Test
  void policyMatchesOnlyTheAgentAndChecksTheTokensNodeName() {
    Chart.Rendered rendered = Chart.render("");
    JsonNode policy = rendered.one("ValidatingAdmissionPolicy", NAME);
    assertThat(policy.path("apiVersion").asText()).isEqualTo("admissionregistration.k8s.io/v1");
    assertThat(policy.at("/spec/failurePolicy").asText()).isEqualTo("Fail");
    JsonNode rule = policy.at("/spec/matchConstraints/resourceRules/0");
    assertThat(Chart.strings(rule.path("resources"))).containsExactly("osnodes", "osnodes/status");
    assertThat(Chart.strings(rule.path("operations")))
        .containsExactly("CREATE", "UPDATE", "DELETE");
    assertThat(policy.at("/spec/matchConditions/0/expression").asText())
        .isEqualTo(
            "request.userInfo.username =="
                + " 'system:serviceaccount:treewave-system:tw-treewave-agent'");
    assertThat(policy.at("/spec/variables/0/expression").asText())
        .contains("request.userInfo.extra['authentication.kubernetes.io/node-name'][0]");
    List<String> validations = new ArrayList<>();
    policy.at("/spec/validations").forEach(v -> validations.add(v.path("expression").asText()));
    assertThat(validations)
        .containsExactly(
            "request.operation == 'UPDATE' && request.subResource == 'status'",
            "variables.nodeName != '' && request.name == variables.nodeName",
            "request.operation != 'UPDATE' || (has(object.spec) == has(oldObject.spec) &&"
                + " (!has(object.spec) || object.spec == oldObject.spec))");
    JsonNode binding = rendered.one("ValidatingAdmissionPolicyBinding", NAME);
    assertThat(binding.at("/spec/policyName").asText()).isEqualTo(NAME);
    assertThat(Chart.strings(binding.at("/spec/validationActions"))).containsExactly("Deny");
  }

  @Test
  void operatorPolicyMatchesOnlyTheOperatorsWritesToOsImagesNodesAndOsNodes() {
    String name = "tw-treewave-operator-confined";
    Chart.Rendered rendered = Chart.render("");
    JsonNode policy = rendered.one("ValidatingAdmissionPolicy", name);
    assertThat(policy.at("/spec/failurePolicy").asText()).isEqualTo("Fail");
    List<String> matched = new ArrayList<>();
    policy
        .at("/spec/matchConstraints/resourceRules")
        .forEach(
            r ->
                matched.add(
                    Chart.strings(r.path("resources"))
                        + " "
                        + Chart.strings(r.path("operations"))));
    // No subresource: /status of an OSImage stays the operator's to write.
    assertThat(matched)
        .containsExactly("[osimages] [UPDATE]", "[osnodes] [CREATE, UPDATE]", "[nodes] [UPDATE]");
    assertThat(policy.at("/spec/matchConditions/0/expression").asText())
        .isEqualTo(
            "request.userInfo.username =="
                + " 'system:serviceaccount:treewave-system:tw-treewave-operator'");
    List<String> messages = new ArrayList<>();
    policy
        .at("/spec/validations")
        .forEach(
            v -> {
              assertThat(v.path("reason").asText()).isEqualTo("Forbidden");
              messages.add(v.path("messageExpression").asText());
            });
    assertThat(String.join("\n", messages))
        .contains("may not change the spec of")
        .contains("may not change the labels of")
        .contains("only spec.unschedulable")
        .contains("only its own finalizer")
        .contains("treewave.dev/retry");
    JsonNode binding = rendered.one("ValidatingAdmissionPolicyBinding", name);
    assertThat(binding.at("/spec/policyName").asText()).isEqualTo(name);
    assertThat(Chart.strings(binding.at("/spec/validationActions"))).containsExactly("Deny");

    Chart.Rendered off = Chart.render("operator: {admissionPolicy: {enabled: false}}");
    assertThat(off.ofKind("ValidatingAdmissionPolicy"))
        .extracting(p -> p.at("/metadata/name").asText())
        .containsExactly("tw-treewave-agent-own-osnode");
  }

  @Test
  void canBeTurnedOffForOlderClusters() {
    Chart.Rendered rendered =
        Chart.render(
            "agent: {admissionPolicy: {enabled: false}}\n"
                + "operator: {admissionPolicy: {enabled: false}}");
    assertThat(rendered.ofKind("ValidatingAdmissionPolicy")).isEmpty();
    assertThat(rendered.ofKind("ValidatingAdmissionPolicyBinding")).isEmpty();
  }
}
