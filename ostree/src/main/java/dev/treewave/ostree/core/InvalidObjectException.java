package dev.treewave.ostree.core;

import dev.treewave.ostree.gvariant.GVariantFormatException;

/** An object that is well-formed GVariant but violates OSTree's rules (hostile names, order). */
public class InvalidObjectException extends GVariantFormatException {
  public InvalidObjectException(String message) {
    super(message);
  }
}
