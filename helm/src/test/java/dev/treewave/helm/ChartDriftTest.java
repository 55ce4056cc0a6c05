package dev.treewave.helm;

import dev.treewave.testing.FileCopies;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The chart ships copies of the CRDs (Helm installs crds/ before anything else). They must be
 * byte-for-byte the generated ones that crds/ commits (and crds' own drift test checks against the
 * generator). Fix: {@code cp crds/src/main/resources/crds/*.yml helm/treewave/crds/}
 */
class ChartDriftTest {
  private static final Path COMMITTED = Path.of(System.getProperty("crds.committed"));
  private static final Path CHART_CRDS = Chart.DIR.resolve("crds");

  @Test
  void chartCrdsAreTheGeneratedOnes() throws IOException {
    FileCopies.assertSameFiles(
        COMMITTED,
        CHART_CRDS,
        ".yml",
        "run: cp crds/src/main/resources/crds/*.yml helm/treewave/crds/");
  }
}
