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
  void canBeTurnedOffForOlderClusters() {
    Chart.Rendered rendered = Chart.render("agent: {admissionPolicy: {enabled: false}}");
    assertThat(rendered.ofKind("ValidatingAdmissionPolicy")).isEmpty();
    assertThat(rendered.ofKind("ValidatingAdmissionPolicyBinding")).isEmpty();
  }
}
