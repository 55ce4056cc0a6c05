package dev.treewave.agent.state;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of the agent's behaviour (the rest of the configuration is wiring).
 *
 * @param maxDeployments deployments to keep after a successful boot (at least 2: booted and
 *     rollback)
 * @param diskReserveBytes free bytes that must remain after a pull
 * @param maxAttempts attempts of a step that fails with a retryable error before giving up
 * @param retryBackoff wait between such attempts
 * @param rebootTimeout how long to wait for a requested reboot before reporting it failed
 * @param progressInterval least time between two pull progress reports
 */
public record AgentSettings(
    int maxDeployments,
    long diskReserveBytes,
    int maxAttempts,
    Duration retryBackoff,
    Duration rebootTimeout,
    Duration progressInterval) {

  public static final AgentSettings DEFAULTS =
      new AgentSettings(
          2,
          1024L * 1024 * 1024,
          // 60 attempts 30 s apart: a transient cause is retried for as long as the operator's
          // default stageTimeout (30m) waits, so that deadline, not the agent, names a node stuck
          60,
          Duration.ofSeconds(30),
          Duration.ofMinutes(15),
          Duration.ofSeconds(5));

  public AgentSettings {
    if (maxDeployments < 2) {
      throw new IllegalArgumentException(
          "maxDeployments must be at least 2 (booted and rollback), got " + maxDeployments);
    }
    if (diskReserveBytes < 0) {
      throw new IllegalArgumentException("diskReserveBytes must not be negative");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(rebootTimeout, "rebootTimeout");
    Objects.requireNonNull(progressInterval, "progressInterval");
  }
}
