package dev.treewave.testing.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A small namespaced CRD for the smoke tests: a status subresource and one CEL rule. */
final class WidgetCrd {

  static final String GROUP = "smoke.treewave.dev";
  static final String API_VERSION = GROUP + "/v1";
  static final String KIND = "Widget";
  static final String CEL_MESSAGE = "minReplicas must not exceed replicas";

  private static final String YAML =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.smoke.treewave.dev
      spec:
        group: smoke.treewave.dev
        scope: Namespaced
        names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
        versions:
        - name: v1
          served: true
          storage: true
          subresources: {status: {}}
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  x-kubernetes-validations:
                  - rule: "!has(self.minReplicas) || !has(self.replicas) || self.minReplicas <= self.replicas"
                    message: "%s"
                  properties:
                    replicas: {type: integer, minimum: 0}
                    minReplicas: {type: integer, minimum: 0}
                    color: {type: string}
                status:
                  type: object
                  properties:
                    phase: {type: string}
                    observedReplicas: {type: integer}
      """
          .formatted(CEL_MESSAGE);

  private WidgetCrd() {}

  /** Creates the CRD and waits until it is Established (served). */
  static void install(ControlPlane plane) {
    plane.installCrd(new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)));
  }

  static MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      widgets(KubernetesClient client) {
    return client.genericKubernetesResources(API_VERSION, KIND);
  }

  static GenericKubernetesResource widget(String namespace, String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind(KIND)
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }
}
