package dev.treewave.operator.spec;

/** The spec passed the CRD schema but cannot be used; the message says which field and why. */
public class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidSpecException(String message) {
    super(message);
  }
}
