package dev.treewave.agent.testing;

import dev.treewave.testing.Processes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs a real command line tool (ostree, gpg) for a test and returns its output. */
public final class Cli {

  private Cli() {}

  public static String run(Map<String, String> env, String... command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(List.of(command));
    builder.environment().putAll(env);
    Processes.Result r = Processes.run(builder, Duration.ofMinutes(2));
    if (r.exitCode() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited with " + r.exitCode() + ": " + r.stderr());
    }
    return r.stdout();
  }

  public static String run(String... command) throws IOException {
    return run(Map.of(), command);
  }
}
