package dev.treewave.crds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.kube.ControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest in {@code examples/} is created, as it is, on a real kube-apiserver with the
 * committed CRDs: an example that the schema refuses would be worse than none.
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

  @org.junit.jupiter.api.Test
  void thereAreExamplesToCheck() throws IOException {
    assertThat(examples()).hasSizeGreaterThanOrEqualTo(4);
  }
}
