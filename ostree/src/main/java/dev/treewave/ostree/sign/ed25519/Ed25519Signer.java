package dev.treewave.ostree.sign.ed25519;

import dev.treewave.ostree.sign.Signer;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Deterministic RFC 8032 Ed25519 signatures stored under {@code ostree.sign.ed25519}. */
public final class Ed25519Signer implements Signer {
  public static final String METADATA_KEY = "ostree.sign.ed25519";
  private final Ed25519PrivateKeyParameters key;

  public Ed25519Signer(byte[] seed) {
    this.key = new Ed25519PrivateKeyParameters(seed, 0);
  }

  /** From ostree's secret key string (base64 of seed ‖ public key). */
  public static Ed25519Signer fromSecretKey(String base64) {
    return new Ed25519Signer(Ed25519Keys.parseSecretSeed(base64));
  }

  public byte[] publicKey() {
    return key.generatePublicKey().getEncoded();
  }

  @Override
  public String metadataKey() {
    return METADATA_KEY;
  }

  @Override
  public byte[] sign(byte[] data) {
    byte[] sig = new byte[64];
    key.sign(
        org.bouncycastle.math.ec.rfc8032.Ed25519.Algorithm.Ed25519,
        null,
        data,
        0,
        data.length,
        sig,
        0);
    return sig;
  }
}
