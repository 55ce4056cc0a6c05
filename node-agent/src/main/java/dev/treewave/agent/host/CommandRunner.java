package dev.treewave.agent.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a host command and waits for it; a port so reboot strategies can be tested. */
@FunctionalInterface
public interface CommandRunner {

  /** The exit status and combined output of a finished command. */
  record Result(int exitStatus, String output) {}

  Result run(List<String> argv) throws IOException, InterruptedException;

  /** Runs the command with {@link ProcessBuilder}, stderr merged into stdout. */
  static CommandRunner processes() {
    return argv -> {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      process.getOutputStream().close();
      // Reboot and systemctl messages: UTF-8, as the agent image's locale (C.UTF-8) says.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(process.waitFor(), output.strip());
    };
  }
}
