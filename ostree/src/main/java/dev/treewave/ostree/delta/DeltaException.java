package dev.treewave.ostree.delta;

import dev.treewave.ostree.repo.OstreeException;

/** A static delta that cannot be generated, parsed or applied. */
public class DeltaException extends OstreeException {
  public DeltaException(String message) {
    super(message);
  }

  public DeltaException(String message, Throwable cause) {
    super(message, cause);
  }
}
