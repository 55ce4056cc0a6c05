package dev.treewave.ostree.repo;

/** A repository operation failed; the message is one line meant for the user. */
public class OstreeException extends RuntimeException {
  public OstreeException(String message) {
    super(message);
  }

  public OstreeException(String message, Throwable cause) {
    super(message, cause);
  }
}
