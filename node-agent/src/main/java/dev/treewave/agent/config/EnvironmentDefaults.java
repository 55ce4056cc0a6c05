package dev.treewave.agent.config;

import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Each flag's default from its environment variable, which the option names as its {@code
 * descriptionKey}; a blank or unset variable falls through to the default in the annotation.
 *
 * <p>A provider over a map, not picocli's {@code ${env:...}}: that reads {@link System#getenv()}
 * alone, and the parser's tests pass their own environment.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
  private final Map<String, String> env;

  EnvironmentDefaults(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  /** The variable that sets this option's default, or null. */
  static String variable(ArgSpec arg) {
    if (arg instanceof OptionSpec option
        && option.descriptionKey() != null
        && !option.descriptionKey().isEmpty()) {
      return option.descriptionKey();
    }
    return null;
  }

  /** The variable's value, stripped, if it is set and not blank. */
  String value(String variable) {
    String value = variable == null ? null : env.get(variable);
    return value == null || value.isBlank() ? null : value.strip();
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    String value = value(variable(arg));
    // picocli interpolates what a provider returns; "$${" keeps a literal "${" in a command line.
    return value == null ? null : value.replace("${", "$${");
  }
}
