package dev.treewave.crds;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What fabric8's generator leaves undone, each step driven by the api classes' own annotations:
 *
 * <ul>
 *   <li>printer columns in the order the {@code @AdditionalPrinterColumn}s are declared (the
 *       generator sorts them by JSON path, so kubectl showed Age first);
 *   <li>descriptions of the root, {@code spec} and {@code status} from
 *       {@code @JsonClassDescription} (the generator reads only property descriptions, so {@code
 *       kubectl explain} said nothing);
 *   <li>{@code conditions} as a map keyed by {@code type} ({@link Conditions}).
 * </ul>
 */
final class CrdFinish implements CRDPostProcessor {
  private final List<Class<? extends HasMetadata>> resources;

  CrdFinish(List<Class<? extends HasMetadata>> resources) {
    this.resources = List.copyOf(resources);
  }

  @Override
  public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
    CustomResourceDefinition crd = (CustomResourceDefinition) resource;
    Class<?> type = resourceClass(crd.getSpec().getNames().getKind());
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      version.setAdditionalPrinterColumns(
          declaredOrder(type, version.getAdditionalPrinterColumns()));
      describe(type, version.getSchema().getOpenAPIV3Schema());
      Conditions.finish(version.getSchema().getOpenAPIV3Schema());
    }
    return crd;
  }

  private Class<?> resourceClass(String kind) {
    return resources.stream()
        .filter(c -> c.getSimpleName().equals(kind))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no api class for kind " + kind));
  }

  static List<CustomResourceColumnDefinition> declaredOrder(
      Class<?> type, List<CustomResourceColumnDefinition> columns) {
    List<String> declared =
        Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    List<CustomResourceColumnDefinition> ordered = new ArrayList<>(columns);
    // Columns not declared on the class (field-level @PrinterColumn) keep their place after these.
    ordered.sort(
        Comparator.comparingInt(
            c -> declared.contains(c.getName()) ? declared.indexOf(c.getName()) : declared.size()));
    return ordered;
  }

  private static void describe(Class<?> type, JSONSchemaProps root) {
    root.setDescription(descriptionOf(type));
    Type[] specAndStatus = specAndStatus(type);
    Map<String, JSONSchemaProps> properties = root.getProperties();
    describeIfBlank(properties.get("spec"), (Class<?>) specAndStatus[0]);
    describeIfBlank(properties.get("status"), (Class<?>) specAndStatus[1]);
  }

  private static void describeIfBlank(JSONSchemaProps property, Class<?> type) {
    if (property != null
        && (property.getDescription() == null || property.getDescription().isBlank())) {
      property.setDescription(descriptionOf(type));
    }
  }

  private static String descriptionOf(Class<?> type) {
    JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
    if (description == null || description.value().isBlank()) {
      throw new IllegalStateException(
          type.getName() + " needs @JsonClassDescription: kubectl explain shows it");
    }
    return description.value();
  }

  private static Type[] specAndStatus(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getGenericSuperclass() instanceof ParameterizedType p
          && p.getRawType() == CustomResource.class) {
        return p.getActualTypeArguments();
      }
    }
    throw new IllegalStateException(type.getName() + " is no CustomResource<Spec, Status>");
  }
}
