package dev.treewave.agent.host;

import java.util.Objects;

/**
 * A host operation failed. The {@link Kind} tells the agent whether trying again can help and which
 * reason to report.
 */
public class HostOsException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why an operation failed. */
  public enum Kind {
    /** The network or the remote repository failed; worth retrying. */
    NETWORK(true),
    /** The host is busy (a lock is held, another operation runs); worth retrying. */
    BUSY(true),
    /** The commit is unsigned, signed by an untrusted key, or the signature is bad. */
    SIGNATURE(false),
    /** The commit, ref or deployment does not exist. */
    NOT_FOUND(false),
    /** The disk filled up. */
    NO_SPACE(false),
    /** Data on disk or on the wire is corrupt (checksum mismatch). */
    CORRUPT(false),
    /** Anything else. */
    FAILED(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;

  public HostOsException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public HostOsException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }
}
