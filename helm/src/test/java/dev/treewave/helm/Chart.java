package dev.treewave.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Renders helm/treewave with the embedded Helm (helm-java, offline) and parses what comes out. */
final class Chart {
  static final Path DIR = Path.of(System.getProperty("chart.dir", "treewave"));
  static final String RELEASE = "tw";
  static final String NAMESPACE = "treewave-system";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Chart() {}

  static Helm helm() {
    return new Helm(DIR);
  }

  /** Renders with the defaults plus the given values (YAML text, may be empty). */
  static Rendered render(String valuesYaml) {
    return Rendered.parse(template(valuesYaml).call());
  }

  static TemplateCommand template(String valuesYaml) {
    TemplateCommand template =
        helm().template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion("1.32.5");
    if (!valuesYaml.isBlank()) {
      template.withValuesFile(valuesFile(valuesYaml));
    }
    return template;
  }

  /** NOTES.txt as helm install prints it (a client-only dry run: no cluster). */
  static String notes(String valuesYaml) {
    InstallCommand install =
        helm()
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion("1.32.5")
            .clientOnly()
            .dryRun();
    if (!valuesYaml.isBlank()) {
      install.withValuesFile(valuesFile(valuesYaml));
    }
    return install.call().getOutput();
  }

  private static Path valuesFile(String valuesYaml) {
    try {
      Path file = Files.createTempFile("treewave-values", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, valuesYaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rendered documents, in order; empty documents are dropped. */
  record Rendered(String text, List<JsonNode> docs) {

    static Rendered parse(String text) {
      List<JsonNode> docs = new ArrayList<>();
      try (YAMLParser parser = ((YAMLFactory) YAML.getFactory()).createParser(text)) {
        for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
          if (doc != null && doc.isObject() && doc.has("kind")) {
            docs.add(doc);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Rendered(text, List.copyOf(docs));
    }

    List<JsonNode> ofKind(String kind) {
      return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    JsonNode one(String kind, String name) {
      List<JsonNode> found =
          ofKind(kind).stream()
              .filter(d -> name.equals(d.path("metadata").path("name").asText()))
              .toList();
      if (found.size() != 1) {
        throw new AssertionError(
            "expected one " + kind + " " + name + ", found " + found.size() + " in:\n" + text);
      }
      return found.get(0);
    }

    List<String> kinds() {
      return docs.stream().map(d -> d.path("kind").asText()).toList();
    }
  }

  /** One RBAC rule, flattened for exact comparisons. */
  record Rule(
      List<String> apiGroups, List<String> resources, List<String> names, List<String> verbs) {

    static List<Rule> of(JsonNode role) {
      List<Rule> rules = new ArrayList<>();
      for (JsonNode r : role.path("rules")) {
        rules.add(
            new Rule(
                strings(r.path("apiGroups")),
                strings(r.path("resources")),
                strings(r.path("resourceNames")),
                strings(r.path("verbs"))));
      }
      return rules;
    }

    static Rule of(String group, String resource, String... verbs) {
      return new Rule(List.of(group), List.of(resource), List.of(), List.of(verbs));
    }

    Rule named(String... names) {
      return new Rule(apiGroups, resources, List.of(names), verbs);
    }
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
