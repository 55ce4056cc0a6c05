package dev.treewave.ostree.sign.ed25519;

import dev.treewave.ostree.sign.SignatureException;
import dev.treewave.ostree.sign.SignatureVerifier;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies {@code ostree.sign.ed25519} signatures: good if any signature verifies with a trusted
 * public key that is not in the revoked list. A valid signature by a revoked key is reported as
 * such, never accepted.
 */
public final class Ed25519Verifier implements SignatureVerifier {
  private final List<byte[]> trusted;
  private final List<byte[]> revoked;

  public Ed25519Verifier(List<byte[]> trusted, List<byte[]> revoked) {
    this.trusted = List.copyOf(trusted);
    this.revoked = List.copyOf(revoked);
    if (this.trusted.isEmpty()) {
      throw new SignatureException("ed25519 verification enabled, but no public keys configured");
    }
  }

  @Override
  public String metadataKey() {
    return Ed25519Signer.METADATA_KEY;
  }

  @Override
  public String engine() {
    return "ed25519";
  }

  @Override
  public String verify(byte[] signedData, List<byte[]> signatures) {
    List<String> problems = new ArrayList<>();
    for (byte[] sig : signatures) {
      if (sig.length != 64) {
        problems.add("malformed signature of " + sig.length + " bytes");
        continue;
      }
      boolean matched = false;
      for (byte[] pk : trusted) {
        if (Ed25519.verify(sig, 0, pk, 0, signedData, 0, signedData.length)) {
          matched = true;
          String name = Base64.getEncoder().encodeToString(pk);
          if (isRevoked(pk)) {
            problems.add("signature by revoked key " + name);
            continue;
          }
          return "Good ed25519 signature by key " + name;
        }
      }
      if (!matched) {
        problems.add("signature does not verify with any trusted key");
      }
    }
    throw new SignatureException(
        "no valid ed25519 signatures found (" + String.join("; ", problems) + ")");
  }

  private boolean isRevoked(byte[] pk) {
    return revoked.stream().anyMatch(r -> java.util.Arrays.equals(r, pk));
  }
}
