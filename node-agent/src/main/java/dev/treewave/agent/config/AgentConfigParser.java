package dev.treewave.agent.config;

import dev.treewave.agent.state.AgentSettings;
import dev.treewave.api.v1alpha1.Durations;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@link AgentConfig} from environment variables and flags ({@code --name=value} or {@code
 * --name value}); a flag wins over its variable. Unknown flags, malformed values and missing
 * required settings are errors that name the setting.
 */
public final class AgentConfigParser {

  /** One setting: its flag, its environment variable, its default (null: required). */
  enum Option {
    NODE_NAME("node-name", "NODE_NAME", null, "the Node this agent manages (downward API)"),
    HOST_ROOT("host-root", "TREEWAVE_HOST_ROOT", "/host", "the host's root filesystem"),
    PROC(
        "proc",
        "TREEWAVE_PROC",
        "/proc",
        "the host's /proc: processes, boot id, kernel command line (hostPID: true)"),
    JOURNAL(
        "journal",
        "TREEWAVE_JOURNAL",
        "",
        "journal file (default <host-root>/" + "var/lib/treewave/agent-state.json)"),
    REBOOT_STRATEGY(
        "reboot-strategy", "TREEWAVE_REBOOT_STRATEGY", "systemd", "systemd, command or none"),
    REBOOT_COMMAND(
        "reboot-command",
        "TREEWAVE_REBOOT_COMMAND",
        "",
        "the command for --reboot-strategy=command, words separated by spaces"),
    RESYNC_INTERVAL(
        "resync-interval", "TREEWAVE_RESYNC_INTERVAL", "60s", "how often to look again unprompted"),
    HEARTBEAT_INTERVAL(
        "heartbeat-interval",
        "TREEWAVE_HEARTBEAT_INTERVAL",
        "2m",
        "longest time between two status writes (refreshes status.lastSeen)"),
    RETRY_BACKOFF(
        "retry-backoff",
        "TREEWAVE_RETRY_BACKOFF",
        "30s",
        "wait between attempts of a failing step"),
    MAX_ATTEMPTS(
        "max-attempts",
        "TREEWAVE_MAX_ATTEMPTS",
        "60",
        "attempts of a step that fails with a retryable error"),
    REBOOT_TIMEOUT(
        "reboot-timeout",
        "TREEWAVE_REBOOT_TIMEOUT",
        "15m",
        "how long a requested reboot may take before it is reported failed"),
    KEEP_DEPLOYMENTS(
        "keep-deployments",
        "TREEWAVE_KEEP_DEPLOYMENTS",
        "2",
        "deployments to keep after a successful boot (at least 2)"),
    DISK_RESERVE(
        "disk-reserve",
        "TREEWAVE_DISK_RESERVE",
        "1Gi",
        "free space that must remain after a pull, a Kubernetes quantity like 512Mi or 2Gi"),
    PROGRESS_INTERVAL(
        "progress-interval",
        "TREEWAVE_PROGRESS_INTERVAL",
        "5s",
        "least time between two pull progress reports"),
    HTTP_ADDRESS(
        "http-address",
        "TREEWAVE_HTTP_ADDRESS",
        "127.0.0.1",
        "address of /healthz, /readyz and /metrics"),
    HTTP_PORT(
        "http-port",
        "TREEWAVE_HTTP_PORT",
        "8080",
        "port of /healthz, /readyz and /metrics" + " (0: any free port)");

    final String flag;
    final String env;
    final String defaultValue;
    final String help;

    Option(String flag, String env, String defaultValue, String help) {
      this.flag = flag;
      this.env = env;
      this.defaultValue = defaultValue;
      this.help = help;
    }
  }

  private AgentConfigParser() {}

  /** A usage text listing every flag, its variable and default. */
  public static String usage() {
    StringBuilder text = new StringBuilder("Usage: treewave-node-agent [--flag=value ...]\n");
    for (Option option : Option.values()) {
      text.append(
          String.format(
              Locale.ROOT,
              "  --%-18s %-28s %s%s%n",
              option.flag,
              option.env,
              option.help,
              option.defaultValue == null
                  ? " (required)"
                  : option.defaultValue.isEmpty() ? "" : " [" + option.defaultValue + "]"));
    }
    return text.toString();
  }

  public static AgentConfig parse(Map<String, String> env, String... args) throws ConfigException {
    Map<Option, String> values = new LinkedHashMap<>();
    for (Option option : Option.values()) {
      String fromEnv = env.get(option.env);
      if (fromEnv != null && !fromEnv.isBlank()) {
        values.put(option, fromEnv.strip());
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new ConfigException("unexpected argument '" + arg + "'\n" + usage());
      }
      String name = arg.substring(2);
      String value;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new ConfigException("--" + name + " needs a value");
      }
      values.put(option(name), value.strip());
    }
    String nodeName = value(values, Option.NODE_NAME);
    if (nodeName.isEmpty()) {
      throw new ConfigException(
          "the node name is required: set NODE_NAME (downward API spec.nodeName) or --node-name");
    }
    Path hostRoot = Path.of(value(values, Option.HOST_ROOT));
    String journal = value(values, Option.JOURNAL);
    Path journalFile =
        journal.isEmpty()
            ? hostRoot.resolve("var/lib/treewave/agent-state.json")
            : Path.of(journal);
    RebootStrategy strategy = strategy(value(values, Option.REBOOT_STRATEGY));
    List<String> command =
        Arrays.stream(value(values, Option.REBOOT_COMMAND).split("\\s+"))
            .filter(word -> !word.isEmpty())
            .toList();
    if (strategy == RebootStrategy.COMMAND && command.isEmpty()) {
      throw new ConfigException(
          "--reboot-strategy=command needs --reboot-command (TREEWAVE_REBOOT_COMMAND)");
    }
    if (strategy != RebootStrategy.COMMAND && !command.isEmpty()) {
      throw new ConfigException(
          "--reboot-command is only used with --reboot-strategy=command, not " + strategy);
    }
    int port = integer(values, Option.HTTP_PORT);
    if (port < 0 || port > 65535) {
      throw new ConfigException("--http-port must be 0..65535, got " + port);
    }
    AgentSettings settings;
    try {
      settings =
          new AgentSettings(
              integer(values, Option.KEEP_DEPLOYMENTS),
              size(values, Option.DISK_RESERVE),
              integer(values, Option.MAX_ATTEMPTS),
              duration(values, Option.RETRY_BACKOFF),
              duration(values, Option.REBOOT_TIMEOUT),
              duration(values, Option.PROGRESS_INTERVAL));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    Duration resync = duration(values, Option.RESYNC_INTERVAL);
    if (resync.isZero()) {
      throw new ConfigException("--resync-interval must be positive");
    }
    return new AgentConfig(
        nodeName,
        hostRoot,
        journalFile,
        strategy,
        command,
        resync,
        value(values, Option.HTTP_ADDRESS),
        port,
        settings,
        Path.of(value(values, Option.PROC)),
        heartbeat(values, resync));
  }

  private static Duration heartbeat(Map<Option, String> values, Duration resync)
      throws ConfigException {
    Duration heartbeat = duration(values, Option.HEARTBEAT_INTERVAL);
    if (heartbeat.compareTo(resync) < 0) {
      // The heartbeat rides on the resync passes; a shorter one would silently be the resync.
      throw new ConfigException(
          "--heartbeat-interval ("
              + heartbeat
              + ") must not be shorter than --resync-interval ("
              + resync
              + ")");
    }
    return heartbeat;
  }

  private static Option option(String flag) throws ConfigException {
    for (Option option : Option.values()) {
      if (option.flag.equals(flag)) {
        return option;
      }
    }
    throw new ConfigException("unknown flag --" + flag + "\n" + usage());
  }

  private static String value(Map<Option, String> values, Option option) {
    String value = values.get(option);
    if (value != null) {
      return value;
    }
    return option.defaultValue == null ? "" : option.defaultValue;
  }

  private static RebootStrategy strategy(String text) throws ConfigException {
    try {
      return RebootStrategy.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "--reboot-strategy must be systemd, command or none, got '" + text + "'");
    }
  }

  private static int integer(Map<Option, String> values, Option option) throws ConfigException {
    String text = value(values, option);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + option.flag + " must be a whole number, got '" + text + "'");
    }
  }

  /** The project's one duration grammar (the operator's too): 500ms, 30s, 5m, 1h30m. */
  static Duration duration(Map<Option, String> values, Option option) throws ConfigException {
    String text = value(values, option);
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "--"
              + option.flag
              + " must be a duration like 500ms, 30s, 5m or 1h30m, got '"
              + text
              + "'");
    }
  }

  /** A byte count as Kubernetes users write one (512Mi, 2Gi, 1G, 1000000). */
  static long size(Map<Option, String> values, Option option) throws ConfigException {
    String text = value(values, option);
    BigDecimal bytes;
    try {
      bytes = Quantity.getAmountInBytes(new Quantity(text));
    } catch (RuntimeException e) {
      bytes = null;
    }
    if (bytes == null || bytes.signum() < 0 || bytes.stripTrailingZeros().scale() > 0) {
      throw new ConfigException(
          "--" + option.flag + " must be a quantity like 512Mi or 2Gi, got '" + text + "'");
    }
    try {
      return bytes.longValueExact();
    } catch (ArithmeticException e) {
      throw new ConfigException("--" + option.flag + " is too large: " + text);
    }
  }
}
