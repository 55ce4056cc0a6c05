package dev.treewave.ostree.sign;

/** One signature engine's signing key. */
public interface Signer {
  /** The detached-metadata key the signature is stored under. */
  String metadataKey();

  /** A detached signature over exactly {@code data}. */
  byte[] sign(byte[] data);
}
