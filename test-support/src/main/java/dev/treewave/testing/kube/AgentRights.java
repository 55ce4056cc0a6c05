package dev.treewave.testing.kube;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * For tests of the node agent against a real API server: the OSNode CRD (from the class path) and
 * the agent's ServiceAccount with exactly the rights the Helm chart gives it
 * (helm/treewave/templates/agent-rbac.yaml), plus the key Secret {@code image-keys} it may read.
 */
public final class AgentRights {

  private AgentRights() {}

  /**
   * @param keyData the Secret's data (base64 values), e.g. {@code ed25519.pub}
   */
  public static void install(
      ControlPlane plane, String namespace, String agentSa, Map<String, String> keyData) {
    KubernetesClient admin = plane.client();
    plane.installCrds(AgentRights.class, "/crds/osnodes.treewave.dev-v1.yml");
    plane.createNamespace(namespace);
    admin
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(agentSa)
                .withNamespace(namespace)
                .endMetadata()
                .build())
        .serverSideApply();
    // The same rules as helm/treewave/templates/agent-rbac.yaml.
    admin
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("treewave-agent-it")
                .endMetadata()
                .addToRules(rule("treewave.dev", "osnodes", "get", "list", "watch"))
                .addToRules(rule("treewave.dev", "osnodes/status", "patch"))
                .build())
        .serverSideApply();
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("treewave-agent-it")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "treewave-agent-it")
                .addToSubjects(serviceAccount(agentSa, namespace))
                .build())
        .serverSideApply();
    admin
        .rbac()
        .roles()
        .inNamespace(namespace)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("treewave-agent-keys")
                .withNamespace(namespace)
                .endMetadata()
                .addToRules(
                    new PolicyRuleBuilder(rule("", "secrets", "get"))
                        .withResourceNames("image-keys")
                        .build())
                .build())
        .serverSideApply();
    admin
        .rbac()
        .roleBindings()
        .inNamespace(namespace)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("treewave-agent-keys")
                .withNamespace(namespace)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "treewave-agent-keys")
                .addToSubjects(serviceAccount(agentSa, namespace))
                .build())
        .serverSideApply();
    admin
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("image-keys")
                .withNamespace(namespace)
                .endMetadata()
                .withData(keyData)
                .build())
        .serverSideApply();
  }

  private static PolicyRule rule(String apiGroup, String resource, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(apiGroup)
        .withResources(resource)
        .withVerbs(verbs)
        .build();
  }

  private static Subject serviceAccount(String name, String namespace) {
    return new SubjectBuilder()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(namespace)
        .build();
  }
}
