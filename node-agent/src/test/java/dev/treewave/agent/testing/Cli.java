package dev.treewave.agent.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real command line tool (ostree, gpg) for a test and returns its output. */
public final class Cli {

  private Cli() {}

  public static String run(Map<String, String> env, String... command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(List.of(command));
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process = builder.start();
    // stderr is small for these tools; read it after stdout without deadlock risk for our sizes
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("hung: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", command)
              + " exited with "
              + process.exitValue()
              + ": "
              + new String(err, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  public static String run(String... command) throws IOException {
    return run(Map.of(), command);
  }
}
