package dev.treewave.crds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a cluster admin reads from the committed CRDs: a description on every field at every level
 * (kubectl explain), the printer columns in the declared order, short names and the {@code
 * treewave} category, and conditions as a map keyed by type. {@code CrdKubectlIT} shows the same
 * through kubectl on a real API server.
 */
class CrdReadabilityTest {
  private final Path committed = Path.of(System.getProperty("crds.committed"));

  @ParameterizedTest
  @ValueSource(strings = {"osimages.treewave.dev-v1.yml", "osnodes.treewave.dev-v1.yml"})
  void everyFieldHasADescription(String file) throws IOException {
    JSONSchemaProps root = version(file).getSchema().getOpenAPIV3Schema();
    List<String> undescribed = new ArrayList<>();
    if (blank(root)) {
      undescribed.add("(root)");
    }
    collectUndescribed(root, "", undescribed);
    assertThat(undescribed).as("fields without a description in " + file).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"osimages.treewave.dev-v1.yml", "osnodes.treewave.dev-v1.yml"})
  void conditionsAreAMapKeyedByType(String file) throws IOException {
    JSONSchemaProps conditions =
        version(file)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("status")
            .getProperties()
            .get("conditions");
    assertThat(conditions.getXKubernetesListType()).isEqualTo("map");
    assertThat(conditions.getXKubernetesListMapKeys()).containsExactly("type");
    assertThat(conditions.getItems().getSchema().getRequired()).contains("type", "status");
  }

  @org.junit.jupiter.api.Test
  void osImageColumnsAreInTheDeclaredOrder() throws IOException {
    assertThat(columns("osimages.treewave.dev-v1.yml"))
        .containsExactly(
            "Phase", "Version", "Ready", "Staged", "Updated", "Total", "Wave", "Failed", "Age",
            "Commit");
  }

  @org.junit.jupiter.api.Test
  void osNodeColumnsAreInTheDeclaredOrder() throws IOException {
    assertThat(columns("osnodes.treewave.dev-v1.yml"))
        .containsExactly("Image", "Action", "State", "Staged", "Booted", "Age", "Commit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"osimages.treewave.dev-v1.yml", "osnodes.treewave.dev-v1.yml"})
  void shortNamesAndTheTreewaveCategory(String file) throws IOException {
    CustomResourceDefinition crd = crd(file);
    assertThat(crd.getSpec().getNames().getCategories()).containsExactly("treewave");
    assertThat(crd.getSpec().getNames().getShortNames()).hasSize(1);
  }

  private List<String> columns(String file) throws IOException {
    return version(file).getAdditionalPrinterColumns().stream()
        .map(CustomResourceColumnDefinition::getName)
        .toList();
  }

  private CustomResourceDefinitionVersion version(String file) throws IOException {
    return crd(file).getSpec().getVersions().get(0);
  }

  private CustomResourceDefinition crd(String file) throws IOException {
    try (InputStream in = Files.newInputStream(committed.resolve(file))) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  private static void collectUndescribed(JSONSchemaProps node, String path, List<String> out) {
    Map<String, JSONSchemaProps> properties = node.getProperties();
    if (properties != null) {
      properties.forEach(
          (name, child) -> {
            String at = path + "." + name;
            if (blank(child)) {
              out.add(at);
            }
            collectUndescribed(child, at, out);
          });
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      collectUndescribed(node.getItems().getSchema(), path + "[]", out);
    }
    if (node.getAdditionalProperties() != null
        && node.getAdditionalProperties().getSchema() != null) {
      collectUndescribed(node.getAdditionalProperties().getSchema(), path + "{}", out);
    }
  }

  private static boolean blank(JSONSchemaProps node) {
    return node.getDescription() == null || node.getDescription().isBlank();
  }
}
