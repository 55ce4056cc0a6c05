package dev.treewave.ostree.sign;

import dev.treewave.ostree.repo.OstreeException;

/** A signature check failed: missing, bad, untrusted or revoked. The message says which. */
public class SignatureException extends OstreeException {
  public SignatureException(String message) {
    super(message);
  }

  public SignatureException(String message, Throwable cause) {
    super(message, cause);
  }
}
