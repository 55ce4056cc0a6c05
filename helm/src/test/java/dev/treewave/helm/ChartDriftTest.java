package dev.treewave.helm;

import dev.treewave.testing.FileCopies;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The chart ships copies of the CRDs in crd-files/ (templates/crds.yaml renders them, so helm
 * upgrade upgrades them). They must be byte-for-byte the generated ones that crds/ commits (and
 * crds' own drift test checks against the generator). Fix: {@code cp
 * crds/src/main/resources/crds/*.yml helm/treewave/crd-files/}
 */
class ChartDriftTest {
  private static final Path COMMITTED = Path.of(System.getProperty("crds.committed"));
  private static final Path CHART_CRDS = Chart.DIR.resolve("crd-files");

  @Test
  void chartCrdsAreTheGeneratedOnes() throws IOException {
    FileCopies.assertSameFiles(
        COMMITTED,
        CHART_CRDS,
        ".yml",
        "run: cp crds/src/main/resources/crds/*.yml helm/treewave/crd-files/");
  }
}
