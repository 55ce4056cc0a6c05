package dev.treewave.crds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.MarkdownBlocks;
import dev.treewave.testing.kube.ControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest in {@code examples/}, and every OSImage shown in {@code docs/}, is created as it
 * is on a real kube-apiserver with the committed CRDs: an example that the schema refuses would be
 * worse than none.
 */
class ExamplesIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("user.dir")).getParent().resolve("examples");

  private static ControlPlane plane;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws IOException {
    plane = CommittedCrds.start("ExamplesIT");
    client = plane.client();
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void appliesAsItIs(Path example) throws IOException {
    List<GenericKubernetesResource> created;
    try (InputStream in = Files.newInputStream(example)) {
      created =
          client.load(in).items().stream()
              .map(item -> client.resource(item).create())
              .map(GenericKubernetesResource.class::cast)
              .toList();
    }
    assertThat(created).as(example.getFileName().toString()).isNotEmpty();
    for (GenericKubernetesResource r : created) {
      assertThat(r.getMetadata().getUid()).isNotBlank();
      assertThat(r.getKind()).isEqualTo("OSImage");
    }
  }

  @Test
  void thereAreExamplesToCheck() throws IOException {
    assertThat(examples()).hasSizeGreaterThanOrEqualTo(4);
  }

  /** The OSImages shown in the docs apply too (renamed: the examples use the same names). */
  @Test
  void osImagesInTheDocsApply() throws IOException {
    Path docs = EXAMPLES.getParent().resolve("docs");
    int checked = 0;
    try (Stream<Path> pages = Files.list(docs)) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        for (String yaml :
            MarkdownBlocks.fenced(Files.readAllLines(page, StandardCharsets.UTF_8), "yaml")) {
          if (!yaml.contains("kind: OSImage")) {
            continue;
          }
          for (HasMetadata item :
              client
                  .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                  .items()) {
            item.getMetadata().setName("doc-" + checked + "-" + item.getMetadata().getName());
            assertThat(client.resource(item).create().getMetadata().getUid())
                .as(page.getFileName() + ": " + item.getMetadata().getName())
                .isNotBlank();
            checked++;
          }
        }
      }
    }
    assertThat(checked).as("OSImages in docs/").isPositive();
  }
}
