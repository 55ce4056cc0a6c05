package dev.treewave.ostree.sysroot;

/** Deploying would eat into the configured free-space reserve; nothing was changed. */
public final class InsufficientSpaceException extends SysrootException {
  private static final long serialVersionUID = 1L;

  public InsufficientSpaceException(String message) {
    super(message);
  }
}
