package dev.treewave.ostree.pull;

import dev.treewave.ostree.repo.OstreeException;

/** A pull failed; nothing it had not verified became visible, and no ref moved. */
public class PullException extends OstreeException {
  public PullException(String message) {
    super(message);
  }

  public PullException(String message, Throwable cause) {
    super(message, cause);
  }
}
