package dev.treewave.ostree.gvariant;

/** Malformed or non-normal-form GVariant data, or a value that does not match its type. */
public class GVariantFormatException extends RuntimeException {
  public GVariantFormatException(String message) {
    super(message);
  }
}
