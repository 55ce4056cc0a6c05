package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.Processes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The image tests' way to run one of this repository's scripts: from its root, with our cache. */
final class RepoScript {
  /** The repository's root. */
  static final Path REPO = Chart.DIR.toAbsolutePath().resolve("../..").normalize();

  private RepoScript() {}

  /** Runs {@code command}, asserts it exits 0 (its output in the message) and returns stdout. */
  static String runChecked(Duration timeout, String... command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile());
    builder.environment().put("TREEWAVE_CACHE", System.getProperty("treewave.cache"));
    Processes.Result result = Processes.run(builder, timeout);
    assertThat(result.exitCode())
        .as(String.join(" ", command) + "\n" + result.stdout() + result.stderr())
        .isZero();
    return result.stdout();
  }
}
