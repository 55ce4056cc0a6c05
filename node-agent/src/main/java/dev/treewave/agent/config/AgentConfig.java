package dev.treewave.agent.config;

import dev.treewave.agent.state.AgentSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The agent's whole configuration, read by {@link AgentConfigParser} from the environment and
 * command-line flags.
 *
 * @param nodeName the Node (and OSNode) this agent manages, from the downward API
 * @param hostRoot where the host's root filesystem is mounted in the container
 * @param journalFile the agent's journal, on the host so it survives the pod
 * @param rebootCommand for {@link RebootStrategy#COMMAND}, the command; else empty
 * @param resyncInterval how often the agent looks again without being told
 * @param httpAddress the address /healthz, /readyz and /metrics bind to
 * @param heartbeatInterval the longest time between two status writes, even when nothing changed:
 *     the write refreshes {@code status.lastSeen}, which is how the operator tells a silent agent
 *     from an idle one
 * @param proc the host's {@code /proc} (process table, boot id, kernel command line): the pod's own
 *     {@code /proc} with {@code hostPID: true}
 */
public record AgentConfig(
    String nodeName,
    Path hostRoot,
    Path journalFile,
    RebootStrategy rebootStrategy,
    List<String> rebootCommand,
    Duration resyncInterval,
    String httpAddress,
    int httpPort,
    AgentSettings settings,
    Path proc,
    Duration heartbeatInterval) {

  public static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(2);

  /** With the default heartbeat. */
  public AgentConfig(
      String nodeName,
      Path hostRoot,
      Path journalFile,
      RebootStrategy rebootStrategy,
      List<String> rebootCommand,
      Duration resyncInterval,
      String httpAddress,
      int httpPort,
      AgentSettings settings,
      Path proc) {
    this(
        nodeName,
        hostRoot,
        journalFile,
        rebootStrategy,
        rebootCommand,
        resyncInterval,
        httpAddress,
        httpPort,
        settings,
        proc,
        DEFAULT_HEARTBEAT);
  }

  /** With the pod's own {@code /proc}. */
  public AgentConfig(
      String nodeName,
      Path hostRoot,
      Path journalFile,
      RebootStrategy rebootStrategy,
      List<String> rebootCommand,
      Duration resyncInterval,
      String httpAddress,
      int httpPort,
      AgentSettings settings) {
    this(
        nodeName,
        hostRoot,
        journalFile,
        rebootStrategy,
        rebootCommand,
        resyncInterval,
        httpAddress,
        httpPort,
        settings,
        Path.of("/proc"));
  }

  public AgentConfig {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(hostRoot, "hostRoot");
    Objects.requireNonNull(journalFile, "journalFile");
    Objects.requireNonNull(rebootStrategy, "rebootStrategy");
    rebootCommand = List.copyOf(rebootCommand);
    Objects.requireNonNull(resyncInterval, "resyncInterval");
    Objects.requireNonNull(httpAddress, "httpAddress");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
  }
}
