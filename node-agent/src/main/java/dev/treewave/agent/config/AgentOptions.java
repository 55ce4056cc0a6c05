package dev.treewave.agent.config;

import dev.treewave.agent.config.Converters.DurationConverter;
import dev.treewave.agent.config.Converters.QuantityConverter;
import dev.treewave.agent.config.Converters.RebootStrategyConverter;
import dev.treewave.agent.state.AgentSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * The agent's flags. Each names its environment variable as its {@code descriptionKey} (read by
 * {@link EnvironmentDefaults}) and in its description, so {@code --help} lists both; the names are
 * the ones the chart sets, keep them stable.
 */
@Command(
    name = "treewave-node-agent",
    sortOptions = false,
    showDefaultValues = true,
    usageHelpWidth = 100,
    description = {
      "The treewave node agent: pulls, verifies, stages and boots the OS images the operator"
          + " assigns to this node. Every flag has an environment variable; a flag wins over it.",
      ""
    })
final class AgentOptions {

  @Option(
      names = "--node-name",
      showDefaultValue = Visibility.NEVER,
      descriptionKey = "NODE_NAME",
      paramLabel = "NAME",
      description = "NODE_NAME: the Node this agent manages (required; downward API spec.nodeName)")
  String nodeName = "";

  @Option(
      names = "--host-root",
      descriptionKey = "TREEWAVE_HOST_ROOT",
      paramLabel = "DIR",
      defaultValue = "/host",
      description = "TREEWAVE_HOST_ROOT: the host's root filesystem")
  Path hostRoot;

  @Option(
      names = "--proc",
      descriptionKey = "TREEWAVE_PROC",
      paramLabel = "DIR",
      defaultValue = "/proc",
      description =
          "TREEWAVE_PROC: the host's /proc: processes, boot id, kernel command line (hostPID: true)")
  Path proc;

  @Option(
      names = "--journal",
      showDefaultValue = Visibility.NEVER,
      descriptionKey = "TREEWAVE_JOURNAL",
      paramLabel = "FILE",
      description =
          "TREEWAVE_JOURNAL: the journal file (unset: <host-root>/var/lib/treewave/agent-state.json)")
  String journal = "";

  @Option(
      names = "--reboot-strategy",
      descriptionKey = "TREEWAVE_REBOOT_STRATEGY",
      paramLabel = "STRATEGY",
      defaultValue = "systemd",
      converter = RebootStrategyConverter.class,
      description = "TREEWAVE_REBOOT_STRATEGY: systemd, command or none")
  RebootStrategy rebootStrategy;

  @Option(
      names = "--reboot-command",
      showDefaultValue = Visibility.NEVER,
      descriptionKey = "TREEWAVE_REBOOT_COMMAND",
      paramLabel = "COMMAND",
      description =
          "TREEWAVE_REBOOT_COMMAND: the command for --reboot-strategy=command, words separated"
              + " by spaces")
  String rebootCommand = "";

  @Option(
      names = "--resync-interval",
      descriptionKey = "TREEWAVE_RESYNC_INTERVAL",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "TREEWAVE_RESYNC_INTERVAL: how often to look again unprompted")
  Duration resyncInterval;

  @Option(
      names = "--heartbeat-interval",
      descriptionKey = "TREEWAVE_HEARTBEAT_INTERVAL",
      paramLabel = "DURATION",
      defaultValue = "2m",
      converter = DurationConverter.class,
      description =
          "TREEWAVE_HEARTBEAT_INTERVAL: longest time between two status writes (refreshes"
              + " status.lastSeen)")
  Duration heartbeatInterval;

  @Option(
      names = "--retry-backoff",
      descriptionKey = "TREEWAVE_RETRY_BACKOFF",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "TREEWAVE_RETRY_BACKOFF: wait between attempts of a failing step")
  Duration retryBackoff;

  @Option(
      names = "--max-attempts",
      descriptionKey = "TREEWAVE_MAX_ATTEMPTS",
      paramLabel = "N",
      defaultValue = "60",
      description = "TREEWAVE_MAX_ATTEMPTS: attempts of a step that fails with a retryable error")
  int maxAttempts;

  @Option(
      names = "--reboot-timeout",
      descriptionKey = "TREEWAVE_REBOOT_TIMEOUT",
      paramLabel = "DURATION",
      defaultValue = "15m",
      converter = DurationConverter.class,
      description =
          "TREEWAVE_REBOOT_TIMEOUT: how long a requested reboot may take before it is reported"
              + " failed")
  Duration rebootTimeout;

  @Option(
      names = "--keep-deployments",
      descriptionKey = "TREEWAVE_KEEP_DEPLOYMENTS",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "TREEWAVE_KEEP_DEPLOYMENTS: deployments to keep after a successful boot (at least 2)")
  int keepDeployments;

  @Option(
      names = "--disk-reserve",
      descriptionKey = "TREEWAVE_DISK_RESERVE",
      paramLabel = "QUANTITY",
      defaultValue = "1Gi",
      converter = QuantityConverter.class,
      description =
          "TREEWAVE_DISK_RESERVE: free space that must remain after a pull, a Kubernetes"
              + " quantity like 512Mi or 2Gi")
  long diskReserve;

  @Option(
      names = "--progress-interval",
      descriptionKey = "TREEWAVE_PROGRESS_INTERVAL",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "TREEWAVE_PROGRESS_INTERVAL: least time between two pull progress reports")
  Duration progressInterval;

  @Option(
      names = "--http-address",
      descriptionKey = "TREEWAVE_HTTP_ADDRESS",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "TREEWAVE_HTTP_ADDRESS: address of /healthz, /readyz and /metrics")
  String httpAddress;

  @Option(
      names = "--http-port",
      descriptionKey = "TREEWAVE_HTTP_PORT",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "TREEWAVE_HTTP_PORT: port of /healthz, /readyz and /metrics (0: any free port)")
  int httpPort;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Print this list and exit.")
  boolean help;

  /** The settings checked together, with errors that name the flag and its variable. */
  AgentConfig toConfig() throws ConfigException {
    String node = nodeName.strip();
    if (node.isEmpty()) {
      throw new ConfigException(
          "the node name is required: set NODE_NAME (downward API spec.nodeName) or --node-name");
    }
    Path journalFile =
        journal.isBlank()
            ? hostRoot.resolve("var/lib/treewave/agent-state.json")
            : Path.of(journal.strip());
    List<String> command =
        Arrays.stream(rebootCommand.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    if (rebootStrategy == RebootStrategy.COMMAND && command.isEmpty()) {
      throw new ConfigException(
          "--reboot-strategy=command needs --reboot-command (TREEWAVE_REBOOT_COMMAND)");
    }
    if (rebootStrategy != RebootStrategy.COMMAND && !command.isEmpty()) {
      throw new ConfigException(
          "--reboot-command is only used with --reboot-strategy=command, not " + rebootStrategy);
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new ConfigException("--http-port must be 0..65535, got " + httpPort);
    }
    if (keepDeployments < 2) {
      throw new ConfigException(
          "--keep-deployments must be at least 2 (booted and rollback), got " + keepDeployments);
    }
    if (maxAttempts < 1) {
      throw new ConfigException("--max-attempts must be at least 1, got " + maxAttempts);
    }
    if (resyncInterval.isZero()) {
      throw new ConfigException("--resync-interval must be positive");
    }
    if (heartbeatInterval.compareTo(resyncInterval) < 0) {
      // The heartbeat rides on the resync passes; a shorter one would silently be the resync.
      throw new ConfigException(
          "--heartbeat-interval ("
              + heartbeatInterval
              + ") must not be shorter than --resync-interval ("
              + resyncInterval
              + ")");
    }
    return new AgentConfig(
        node,
        hostRoot,
        journalFile,
        rebootStrategy,
        command,
        resyncInterval,
        httpAddress.strip(),
        httpPort,
        new AgentSettings(
            keepDeployments,
            diskReserve,
            maxAttempts,
            retryBackoff,
            rebootTimeout,
            progressInterval),
        proc,
        heartbeatInterval);
  }
}
