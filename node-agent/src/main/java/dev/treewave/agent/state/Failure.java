package dev.treewave.agent.state;

import java.time.Instant;
import java.util.Objects;

/** A failure with its reason, a message for humans and when it happened. */
public record Failure(FailureReason reason, String message, Instant at) {

  public Failure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
  }
}
