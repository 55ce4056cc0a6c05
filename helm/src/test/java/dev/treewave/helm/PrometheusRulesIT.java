package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alerts through the real promtool (built from Go modules by {@code
 * helm/promtool/build.sh}): the rendered PrometheusRule passes {@code promtool check rules}, and
 * {@code promtool test rules} ({@code src/test/resources/promtool/alerts-test.yaml}) shows each
 * alert quiet before its {@code for:} and then firing with its labels, description and runbook URL.
 */
class PrometheusRulesIT {
  private static final Path BUILD_SCRIPT = Chart.DIR.resolve("../promtool/build.sh");
  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  private static Path promtool;

  @TempDir static Path dir;

  @BeforeAll
  static void buildPromtoolAndRenderRules() throws IOException {
    Processes.Result build =
        Processes.run(new ProcessBuilder("bash", BUILD_SCRIPT.toString()), TIMEOUT);
    if (build.exitCode() != 0) {
      throw RequiredTool.missing(
          "promtool could not be built (run bin/setup): " + build.stderr().strip());
    }
    promtool = Path.of(build.stdout().strip());
    JsonNode rule =
        Chart.render("monitoring: {prometheusRule: {enabled: true}}")
            .one("PrometheusRule", "tw-treewave");
    Chart.YAML.writeValue(
        dir.resolve("rules.yaml").toFile(), Map.of("groups", rule.at("/spec/groups")));
    try (InputStream test =
        PrometheusRulesIT.class.getResourceAsStream("/promtool/alerts-test.yaml")) {
      Files.copy(test, dir.resolve("alerts-test.yaml"));
    }
  }

  @Test
  void renderedRulesPassPromtoolCheck() throws IOException {
    Processes.Result check = promtool("check", "rules", "rules.yaml");
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    assertThat(check.stdout()).contains("SUCCESS: 5 rules found");
  }

  @Test
  void everyAlertFiresAfterItsForWithItsAnnotations() throws IOException {
    Processes.Result test = promtool("test", "rules", "alerts-test.yaml");
    assertThat(test.exitCode()).as(test.stdout() + test.stderr()).isZero();
    assertThat(test.stdout()).contains("SUCCESS");
  }

  @Test
  void promtoolReallyComparesAnnotations() throws IOException {
    // The test file is only evidence if a wrong expectation fails it.
    Path wrong = dir.resolve("wrong-test.yaml");
    Files.writeString(
        wrong,
        Files.readString(dir.resolve("alerts-test.yaml"))
            .replace("#treewavenodefailed", "#somewhere-else"));
    Processes.Result test = promtool("test", "rules", wrong.getFileName().toString());
    assertThat(test.exitCode()).isNotZero();
    assertThat(test.stdout() + test.stderr()).contains("somewhere-else");
  }

  private static Processes.Result promtool(String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    return Processes.run(new ProcessBuilder(command).directory(dir.toFile()), TIMEOUT);
  }
}
