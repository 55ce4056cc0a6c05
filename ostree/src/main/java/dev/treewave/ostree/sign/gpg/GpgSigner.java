package dev.treewave.ostree.sign.gpg;

import dev.treewave.ostree.sign.SignatureException;
import dev.treewave.ostree.sign.Signer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.util.encoders.Hex;

/**
 * Makes the binary detached signatures (signature class 0x00, SHA-256) that {@code ostree gpg-sign}
 * stores in {@code ostree.gpgsigs}. The key comes from a secret keyring file, e.g. {@code gpg
 * --export-secret-keys KEYID > key.gpg}.
 */
public final class GpgSigner implements Signer {
  private final PGPSecretKey key;
  private final PGPPrivateKey privateKey;

  private GpgSigner(PGPSecretKey key, PGPPrivateKey privateKey) {
    this.key = key;
    this.privateKey = privateKey;
  }

  /**
   * Loads the signing key {@code keyId} (a key ID or fingerprint in hex, matched on its suffix; or
   * null for the first signing key) from {@code secretKeyring}.
   */
  public static GpgSigner load(Path secretKeyring, String keyId, char[] passphrase) {
    try {
      return fromBytes(Files.readAllBytes(secretKeyring), keyId, passphrase);
    } catch (IOException e) {
      throw new SignatureException("Reading " + secretKeyring + ": " + e.getMessage(), e);
    }
  }

  public static GpgSigner fromBytes(byte[] secretKeyring, String keyId, char[] passphrase) {
    String want = keyId == null ? null : keyId.toUpperCase(Locale.ROOT).replace(" ", "");
    if (want != null && want.startsWith("0X")) {
      want = want.substring(2);
    }
    List<String> seen = new ArrayList<>();
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(secretKeyring))) {
      PGPSecretKeyRingCollection rings =
          new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
      for (PGPSecretKeyRing ring : rings) {
        for (PGPSecretKey k : ring) {
          String fpr = Hex.toHexString(k.getPublicKey().getFingerprint()).toUpperCase(Locale.ROOT);
          seen.add(fpr);
          boolean matches = want == null ? k.isSigningKey() : fpr.endsWith(want);
          if (!matches || !k.isSigningKey() || k.isPrivateKeyEmpty()) {
            continue;
          }
          PGPPrivateKey pk =
              k.extractPrivateKey(
                  new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                      .build(passphrase == null ? new char[0] : passphrase));
          return new GpgSigner(k, pk);
        }
      }
    } catch (IOException | PGPException e) {
      throw new SignatureException("Loading GPG secret key: " + e.getMessage(), e);
    }
    throw new SignatureException(
        "No usable GPG signing key "
            + (keyId == null ? "" : "'" + keyId + "' ")
            + "in the secret keyring (keys: "
            + String.join(", ", seen)
            + ")");
  }

  public String fingerprint() {
    return Hex.toHexString(key.getPublicKey().getFingerprint()).toUpperCase(Locale.ROOT);
  }

  @Override
  public String metadataKey() {
    return GpgVerifier.METADATA_KEY;
  }

  @Override
  public byte[] sign(byte[] data) {
    try {
      PGPSignatureGenerator gen =
          new PGPSignatureGenerator(
              new BcPGPContentSignerBuilder(
                  key.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
              key.getPublicKey());
      gen.init(PGPSignature.BINARY_DOCUMENT, privateKey);
      PGPSignatureSubpacketGenerator sp = new PGPSignatureSubpacketGenerator();
      sp.setSignatureCreationTime(false, new Date());
      sp.setIssuerFingerprint(false, key.getPublicKey());
      gen.setHashedSubpackets(sp.generate());
      gen.update(data);
      return gen.generate().getEncoded();
    } catch (PGPException | IOException e) {
      throw new SignatureException("GPG signing failed: " + e.getMessage(), e);
    }
  }
}
