package dev.treewave.ostree.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Signer;
import dev.treewave.ostree.sign.ed25519.Ed25519Verifier;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ed25519 reference vector of the format notes (§5.3) and the verification rules. */
class Ed25519Test {
  static final HexFormat HEX = HexFormat.of();

  /** The §2.9 commit eccf0ad6… (Appendix A). */
  static final byte[] COMMIT =
      HEX.parseHex(
          "6f73747265652e7265662d62696e64696e6700000000000074657374000500617313225375626a65637400426f647900"
              + "000000005e0be100b908e5b0185ddae03b6b1d593a055f55986f7844d53a86ee3e1b10c1f6f920ce446a0ef11b7cc167"
              + "f3b603e585c7eeeeb675faa412d5ec73f62988eb0b6c548858302b232323");

  static final String SECRET =
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8DoQe/884Qvh1w3RjnS8CZZ+TWMJulDV8d3IZkElUxuA==";
  static final String PUBLIC = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
  static final String SIG =
      "22badb8f6bc43cb8b0a789f10384dda11d47d2fcd345e9b9879c7900c523217aa6382251a59a24e7777e4029049d3688c981ba755faf254b25c873b83025300c";

  @Test
  void referenceVectorMatches() {
    assertThat(ObjectId.sha256(COMMIT).hex()).startsWith("eccf0ad6");
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) i;
    }
    assertThat(Ed25519Keys.secretKeyString(seed)).isEqualTo(SECRET);
    Ed25519Signer signer = Ed25519Signer.fromSecretKey(SECRET);
    assertThat(Ed25519Keys.publicKeyString(signer.publicKey())).isEqualTo(PUBLIC);
    byte[] sig = signer.sign(COMMIT);
    assertThat(HEX.formatHex(sig)).isEqualTo(SIG);
    Map<String, GVariant> meta = Signatures.append(Map.of(), signer.metadataKey(), sig);
    assertThat(HEX.formatHex(GVariant.vardict(meta).serialize()))
        .isEqualTo("6f73747265652e7369676e2e656432353531390000000000" + SIG + "4000616179145e");
  }

  @Test
  void verifiesAndRefusesBadUntrustedAndRevoked() {
    Ed25519Signer signer = Ed25519Signer.fromSecretKey(SECRET);
    Map<String, GVariant> meta =
        Signatures.append(Map.of(), signer.metadataKey(), signer.sign(COMMIT));
    byte[] pub = Ed25519Keys.parsePublic(PUBLIC);
    Ed25519Verifier ok = new Ed25519Verifier(List.of(pub), List.of());
    assertThat(ok.verifyDetached(COMMIT, meta, "commit")).contains(PUBLIC);

    byte[] tampered = COMMIT.clone();
    tampered[10] ^= 1;
    assertThatThrownBy(() -> ok.verifyDetached(tampered, meta, "commit"))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("does not verify");
    assertThatThrownBy(() -> ok.verifyDetached(COMMIT, Map.of(), "commit"))
        .hasMessageContaining("no signatures found");

    byte[] other = new byte[32];
    other[0] = 9;
    Ed25519Verifier untrusted =
        new Ed25519Verifier(List.of(Ed25519Keys.publicFromSeed(other)), List.of());
    assertThatThrownBy(() -> untrusted.verifyDetached(COMMIT, meta, "commit"))
        .isInstanceOf(SignatureException.class);
    Ed25519Verifier revoked = new Ed25519Verifier(List.of(pub), List.of(pub));
    assertThatThrownBy(() -> revoked.verifyDetached(COMMIT, meta, "commit"))
        .hasMessageContaining("revoked");
  }

  @Test
  void keyFormatsAreStrict() {
    assertThatThrownBy(() -> Ed25519Keys.parsePublic("not base64!"))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> Ed25519Keys.parsePublic("AAAA")).hasMessageContaining("expected 32");
    String bad = SECRET.substring(0, 50) + "A" + SECRET.substring(51);
    assertThatThrownBy(() -> Ed25519Keys.parseSecretSeed(bad))
        .hasMessageContaining("does not match");
  }
}
