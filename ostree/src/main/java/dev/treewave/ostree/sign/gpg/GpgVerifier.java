package dev.treewave.ostree.sign.gpg;

import dev.treewave.ostree.sign.SignatureException;
import dev.treewave.ostree.sign.SignatureVerifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Verifies binary detached OpenPGP signatures ({@code ostree.gpgsigs}) against a set of trusted
 * public keys, as ostree's gpgme verifier: at least one signature must be good, made by a trusted
 * key that is neither revoked nor expired, over exactly the signed bytes.
 */
public final class GpgVerifier implements SignatureVerifier {
  public static final String METADATA_KEY = "ostree.gpgsigs";

  private final List<PGPPublicKeyRing> trusted;

  private GpgVerifier(List<PGPPublicKeyRing> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** Trusts every key in the given keyring files (binary or ASCII-armored, as gpg exports them). */
  public static GpgVerifier fromKeyrings(List<Path> files) {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    for (Path f : files) {
      try {
        rings.addAll(readRings(Files.readAllBytes(f)));
      } catch (IOException e) {
        throw new SignatureException("Reading GPG keyring " + f + ": " + e.getMessage(), e);
      }
    }
    return new GpgVerifier(rings);
  }

  public static GpgVerifier fromKeyringBytes(byte[] keyring) {
    return new GpgVerifier(readRings(keyring));
  }

  static List<PGPPublicKeyRing> readRings(byte[] data) {
    List<PGPPublicKeyRing> out = new ArrayList<>();
    if (data.length == 0) {
      return out;
    }
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
      PGPPublicKeyRingCollection c =
          new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
      c.getKeyRings().forEachRemaining(out::add);
    } catch (IOException | PGPException e) {
      throw new SignatureException("Not a GPG public keyring: " + e.getMessage(), e);
    }
    return out;
  }

  public List<PGPPublicKeyRing> trustedKeys() {
    return trusted;
  }

  @Override
  public String metadataKey() {
    return METADATA_KEY;
  }

  @Override
  public String engine() {
    return "GPG";
  }

  @Override
  public String verify(byte[] signedData, List<byte[]> signatures) {
    List<String> problems = new ArrayList<>();
    for (byte[] blob : signatures) {
      for (PGPSignature sig : parseSignatures(blob, problems)) {
        String keyId = keyIdHex(sig.getKeyID());
        PGPPublicKey key = findKey(sig.getKeyID());
        if (key == null) {
          problems.add("signature by untrusted key " + keyId);
          continue;
        }
        try {
          sig.init(new BcPGPContentVerifierBuilderProvider(), key);
          sig.update(signedData);
          if (!sig.verify()) {
            problems.add("BAD signature by key " + keyId);
            continue;
          }
        } catch (PGPException e) {
          problems.add("unverifiable signature by key " + keyId + ": " + e.getMessage());
          continue;
        }
        if (isRevoked(sig.getKeyID())) {
          problems.add("signature by revoked key " + keyId);
          continue;
        }
        if (isExpired(key)) {
          problems.add("signature by expired key " + keyId);
          continue;
        }
        return "Good signature from key " + keyId;
      }
    }
    throw new SignatureException(
        "GPG signatures found, but none are in trusted keyring ("
            + String.join("; ", problems)
            + ")");
  }

  private static List<PGPSignature> parseSignatures(byte[] blob, List<String> problems) {
    List<PGPSignature> out = new ArrayList<>();
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(blob))) {
      BcPGPObjectFactory f = new BcPGPObjectFactory(in);
      Object o;
      while ((o = f.nextObject()) != null) {
        if (o instanceof PGPSignatureList list) {
          list.forEach(out::add);
        }
      }
    } catch (IOException | RuntimeException e) {
      problems.add("unparseable signature: " + e.getMessage());
    }
    if (out.isEmpty()) {
      problems.add("no OpenPGP signature packet");
    }
    return out;
  }

  private PGPPublicKey findKey(long keyId) {
    for (PGPPublicKeyRing r : trusted) {
      PGPPublicKey k = r.getPublicKey(keyId);
      if (k != null) {
        return k;
      }
    }
    return null;
  }

  /** A (sub)key is unusable if it or its primary key carries a revocation. */
  private boolean isRevoked(long keyId) {
    for (PGPPublicKeyRing r : trusted) {
      PGPPublicKey k = r.getPublicKey(keyId);
      if (k != null) {
        return k.hasRevocation() || r.getPublicKey().hasRevocation();
      }
    }
    return false;
  }

  private static boolean isExpired(PGPPublicKey key) {
    long valid = key.getValidSeconds();
    return valid > 0
        && key.getCreationTime().toInstant().plusSeconds(valid).isBefore(java.time.Instant.now());
  }

  static String keyIdHex(long id) {
    return HexFormat.of().withUpperCase().toHexDigits(id);
  }
}
