package dev.treewave.crds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.FileCopies;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD YAML (what the chart and users apply) must be exactly what the generator makes
 * from the api classes in this build. When it fails, regenerate and commit:
 *
 * <pre>
 * ./mvnw -pl crds process-classes && cp crds/target/generated-crds/*.yml crds/src/main/resources/crds/
 * </pre>
 */
class CrdDriftTest {

  private static final String FIX =
      "CRD YAML is stale: run ./mvnw -pl crds process-classes && cp"
          + " crds/target/generated-crds/*.yml crds/src/main/resources/crds/ and commit it";

  private final Path generated = Path.of(System.getProperty("crds.generated"));
  private final Path committed = Path.of(System.getProperty("crds.committed"));

  @Test
  void generatesBothResources() throws IOException {
    assertThat(FileCopies.names(generated, ".yml"))
        .containsExactly("osimages.treewave.dev-v1.yml", "osnodes.treewave.dev-v1.yml");
  }

  @Test
  void committedCopyIsWhatTheGeneratorProduces() throws IOException {
    FileCopies.assertSameFiles(generated, committed, ".yml", FIX);
  }
}
