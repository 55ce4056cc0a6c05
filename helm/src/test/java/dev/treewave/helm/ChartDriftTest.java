package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
    String fix = "run: cp crds/src/main/resources/crds/*.yml helm/treewave/crds/";
    assertThat(names(CHART_CRDS)).as(fix).isEqualTo(names(COMMITTED)).isNotEmpty();
    for (String name : names(COMMITTED)) {
      assertThat(Files.readString(CHART_CRDS.resolve(name)))
          .as(fix + " (" + name + ")")
          .isEqualTo(Files.readString(COMMITTED.resolve(name)));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yml"))
          .sorted()
          .toList();
    }
  }
}
