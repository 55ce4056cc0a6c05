package dev.treewave.ostree.remote;

import dev.treewave.ostree.repo.OstreeException;

/** A remote that does not exist, already exists, or is misconfigured. */
public class RemoteException extends OstreeException {
  public RemoteException(String message) {
    super(message);
  }
}
