package dev.treewave.agent.config;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Reads {@link AgentConfig} from flags ({@code --name=value} or {@code --name value}) with picocli,
 * each flag defaulting to its environment variable ({@link EnvironmentDefaults}); a flag wins over
 * its variable. Unknown flags, malformed values and missing required settings are {@link
 * ConfigException}s of one line that name the flag (and the variable, when the value came from it).
 */
public final class AgentConfigParser {

  private AgentConfigParser() {}

  /** The agent's command line over this environment, before any argument is read. */
  static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new AgentOptions());
    cli.setDefaultValueProvider(new EnvironmentDefaults(env));
    // Like the hand-written parser before: a repeated flag takes its last value.
    cli.setOverwrittenOptionsAllowed(true);
    return cli;
  }

  /** The usage text: every flag, its variable and its default. */
  public static String usage() {
    StringWriter text = new StringWriter();
    commandLine(Map.of()).usage(new PrintWriter(text, true));
    return text.toString();
  }

  /** Whether the arguments ask for {@link #usage()} (then nothing else is checked). */
  public static boolean helpRequested(String... args) {
    return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
  }

  public static AgentConfig parse(Map<String, String> env, String... args) throws ConfigException {
    CommandLine cli = commandLine(env);
    try {
      cli.parseArgs(args);
    } catch (ParameterException e) {
      throw new ConfigException(oneLine(e, new EnvironmentDefaults(env), args));
    }
    return ((AgentOptions) cli.getCommand()).toConfig();
  }

  /**
   * picocli's message, on one line, naming the variable when the bad value came from the
   * environment rather than from a flag (picocli names only the flag).
   */
  private static String oneLine(ParameterException e, EnvironmentDefaults env, String... args) {
    String message = e.getMessage().lines().findFirst().orElse("invalid arguments").strip();
    if (e.getArgSpec() instanceof OptionSpec option) {
      String variable = EnvironmentDefaults.variable(option);
      boolean onCommandLine =
          Arrays.stream(args)
              .anyMatch(
                  arg ->
                      Arrays.stream(option.names())
                          .anyMatch(name -> arg.equals(name) || arg.startsWith(name + "=")));
      if (!onCommandLine && env.value(variable) != null) {
        message += " (from " + variable + ")";
      }
    }
    return message;
  }
}
