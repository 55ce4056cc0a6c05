package dev.treewave.ostree.pull;

/**
 * {@code --timestamp-check} refused to move a ref to an older commit. Deterministic: the same
 * repository gives the same answer, so callers must not retry it as a network failure.
 */
public class DowngradeRefusedException extends PullException {
  public DowngradeRefusedException(String message) {
    super(message);
  }
}
