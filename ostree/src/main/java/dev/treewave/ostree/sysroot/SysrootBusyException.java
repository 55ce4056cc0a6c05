package dev.treewave.ostree.sysroot;

/** Another process (ostree, rpm-ostree, another agent) holds the sysroot lock; retry later. */
public final class SysrootBusyException extends SysrootException {
  private static final long serialVersionUID = 1L;

  public SysrootBusyException(String message) {
    super(message);
  }
}
