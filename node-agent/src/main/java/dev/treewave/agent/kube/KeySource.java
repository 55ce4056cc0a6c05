package dev.treewave.agent.kube;

import dev.treewave.api.v1alpha1.KeyReference;

/** Reads trusted key material named by the spec (from a Secret or a ConfigMap). */
@FunctionalInterface
public interface KeySource {

  /** The key's bytes; throws with a message naming the object and key when it is unavailable. */
  byte[] read(KeyReference reference) throws KeyUnavailableException;

  /** A trusted key cannot be read. */
  class KeyUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyUnavailableException(String message) {
      super(message);
    }
  }
}
