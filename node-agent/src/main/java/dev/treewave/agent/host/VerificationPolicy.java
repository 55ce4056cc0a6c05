package dev.treewave.agent.host;

import java.util.List;
import java.util.Objects;

/**
 * Which signatures a commit must carry before it is staged.
 *
 * @param scheme the signature scheme, or {@link Scheme#DISABLED} when the OSImage explicitly opts
 *     out
 * @param trustedKeys the key material, as stored in the referenced Secrets/ConfigMaps: GPG keyrings
 *     (armored or binary, as bytes) or Ed25519 public keys (base64, one per line)
 */
public record VerificationPolicy(Scheme scheme, List<byte[]> trustedKeys) {

  /** Signature schemes OSTree supports, plus the explicit opt-out. */
  public enum Scheme {
    GPG,
    ED25519,
    DISABLED
  }

  public VerificationPolicy {
    Objects.requireNonNull(scheme, "scheme");
    trustedKeys = List.copyOf(trustedKeys);
    if (scheme != Scheme.DISABLED && trustedKeys.isEmpty()) {
      throw new IllegalArgumentException(scheme + " verification needs at least one trusted key");
    }
  }

  public static VerificationPolicy disabled() {
    return new VerificationPolicy(Scheme.DISABLED, List.of());
  }

  public boolean required() {
    return scheme != Scheme.DISABLED;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof VerificationPolicy that) || scheme != that.scheme) {
      return false;
    }
    if (trustedKeys.size() != that.trustedKeys.size()) {
      return false;
    }
    for (int i = 0; i < trustedKeys.size(); i++) {
      if (!java.util.Arrays.equals(trustedKeys.get(i), that.trustedKeys.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = scheme.hashCode();
    for (byte[] key : trustedKeys) {
      hash = 31 * hash + java.util.Arrays.hashCode(key);
    }
    return hash;
  }

  @Override
  public String toString() {
    return "VerificationPolicy[" + scheme + ", " + trustedKeys.size() + " key(s)]";
  }
}
