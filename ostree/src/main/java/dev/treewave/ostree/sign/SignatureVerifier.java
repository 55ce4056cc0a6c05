package dev.treewave.ostree.sign;

import dev.treewave.ostree.gvariant.GVariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One signature engine's verification of signed bytes (a commit object or a summary) against the
 * signatures found in detached metadata under {@link #metadataKey()}.
 */
public interface SignatureVerifier {

  /** {@code ostree.gpgsigs} or {@code ostree.sign.ed25519}. */
  String metadataKey();

  /** A short name for messages ("GPG", "ed25519"). */
  String engine();

  /**
   * Returns a description of the good signature (e.g. the key that made it); throws {@link
   * SignatureException} if none of {@code signatures} is a valid signature by a trusted, unrevoked
   * key.
   */
  String verify(byte[] signedData, List<byte[]> signatures);

  /** Verifies {@code signedData} against the signatures in {@code detachedMetadata}. */
  default String verifyDetached(
      byte[] signedData, Map<String, GVariant> detachedMetadata, String what) {
    List<byte[]> sigs = signaturesIn(detachedMetadata, metadataKey());
    if (sigs.isEmpty()) {
      throw new SignatureException(
          engine() + " verification enabled, but no signatures found for " + what);
    }
    try {
      return verify(signedData, sigs);
    } catch (SignatureException e) {
      throw new SignatureException(what + ": " + e.getMessage(), e);
    }
  }

  /** The {@code aay} list under {@code key}, empty if absent or of another type. */
  static List<byte[]> signaturesIn(Map<String, GVariant> detachedMetadata, String key) {
    List<byte[]> out = new ArrayList<>();
    if (detachedMetadata != null && detachedMetadata.get(key) instanceof GVariant.Arr a) {
      for (GVariant e : a.elements()) {
        if (e instanceof GVariant.Bytes b) {
          out.add(b.value());
        }
      }
    }
    return out;
  }
}
