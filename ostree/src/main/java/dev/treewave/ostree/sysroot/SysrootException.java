package dev.treewave.ostree.sysroot;

/** A sysroot operation refused or failed; the message says why, for an operator to read. */
public class SysrootException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SysrootException(String message) {
    super(message);
  }

  public SysrootException(String message, Throwable cause) {
    super(message, cause);
  }
}
