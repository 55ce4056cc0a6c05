package dev.treewave.ostree.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.pull.ArchiveSource;
import dev.treewave.ostree.pull.Cli;
import dev.treewave.ostree.pull.HttpTransport;
import dev.treewave.ostree.pull.ObjectSource;
import dev.treewave.ostree.pull.PullOptions;
import dev.treewave.ostree.pull.Puller;
import dev.treewave.ostree.pull.TreeFixture;
import dev.treewave.ostree.remote.RemoteConfig;
import dev.treewave.ostree.remote.RemoteTrust;
import dev.treewave.ostree.remote.TrustRoots;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Signer;
import dev.treewave.ostree.summary.SummaryWriter;
import dev.treewave.testing.RequiredTool;
import dev.treewave.testing.http.StaticRepoServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ed25519 against an independent implementation (libsodium through python3-nacl; Debian's ostree
 * has no ed25519 engine), and sign-verify pulls over HTTP including revoked keys.
 */
class Ed25519InteropIT {
  @TempDir Path tmp;

  private static String python(String script, String... args) {
    // Debian's interpreter: python3-nacl lives in its dist-packages, not in a pyenv's
    Path py = Path.of("/usr/bin/python3");
    if (!Files.isExecutable(py)) {
      py = RequiredTool.require("python3", "apt-get install python3 python3-nacl");
    }
    if (Cli.run(List.of(py.toString(), "-c", "import nacl.signing"), Map.of()).exit() != 0) {
      throw RequiredTool.missing(
          "python3-nacl is not installed; install it with: apt-get install python3-nacl");
    }
    List<String> cmd = new java.util.ArrayList<>(List.of(py.toString(), "-c", script));
    cmd.addAll(List.of(args));
    return Cli.run(cmd, Map.of()).ok().out().strip();
  }

  @Test
  void libsodiumAndWeAgreeBothWays() throws Exception {
    byte[] seed = new byte[32];
    new java.util.Random(5).nextBytes(seed);
    byte[] data = "the exact bytes of some commit".getBytes();
    String hexSeed = HexFormat.of().formatHex(seed);
    String hexData = HexFormat.of().formatHex(data);
    // libsodium signs; we verify with the public key it reports
    String out =
        python(
            "import sys,nacl.signing,binascii,base64\n"
                + "k=nacl.signing.SigningKey(binascii.unhexlify(sys.argv[1]))\n"
                + "s=k.sign(binascii.unhexlify(sys.argv[2])).signature\n"
                + "print(base64.b64encode(bytes(k.verify_key)).decode(), binascii.hexlify(s).decode())",
            hexSeed,
            hexData);
    String[] parts = out.split(" ");
    byte[] pub = Ed25519Keys.parsePublic(parts[0]);
    byte[] theirSig = HexFormat.of().parseHex(parts[1]);
    Ed25519Signer ours = new Ed25519Signer(seed);
    assertThat(ours.publicKey()).isEqualTo(pub);
    assertThat(ours.sign(data)).isEqualTo(theirSig); // deterministic RFC 8032
    var verifier = new dev.treewave.ostree.sign.ed25519.Ed25519Verifier(List.of(pub), List.of());
    assertThat(verifier.verify(data, List.of(theirSig))).contains("Good");
    // we sign (with the ostree secret key string); libsodium verifies
    String secret = Ed25519Keys.secretKeyString(seed);
    byte[] sig = Ed25519Signer.fromSecretKey(secret).sign(data);
    String verdict =
        python(
            "import sys,nacl.signing,binascii,base64\n"
                + "sk=base64.b64decode(sys.argv[1])\n"
                + "vk=nacl.signing.VerifyKey(sk[32:])\n"
                + "vk.verify(binascii.unhexlify(sys.argv[2]), binascii.unhexlify(sys.argv[3]))\n"
                + "print('ok')",
            secret,
            hexData,
            HexFormat.of().formatHex(sig));
    assertThat(verdict).isEqualTo("ok");
  }

  @Test
  void signVerifyPullAcceptsTrustedAndRefusesRevokedKeys() throws Exception {
    OstreeRepo src = OstreeRepo.init(tmp.resolve("src"), RepoMode.ARCHIVE);
    TreeFixture.smallTree(tmp.resolve("t"), "ed");
    ObjectId c = TreeFixture.commit(src, tmp.resolve("t"), "os/stable", Optional.empty(), 1L);
    byte[] seed = new byte[32];
    seed[3] = 3;
    Ed25519Signer signer = new Ed25519Signer(seed);
    Signatures.signCommit(src, c, signer);
    byte[] summary = SummaryWriter.update(src, Map.of());
    SummaryWriter.writeSignatures(
        src, Signatures.append(Map.of(), signer.metadataKey(), signer.sign(summary)));
    String pub = Base64.getEncoder().encodeToString(signer.publicKey());
    try (StaticRepoServer server =
        StaticRepoServer.start(src.path(), new InetSocketAddress("127.0.0.1", 0))) {
      OstreeRepo ok = OstreeRepo.init(tmp.resolve("ok"), RepoMode.BARE_USER);
      RemoteConfig.of(ok)
          .add(
              "origin",
              server.url(),
              Map.of(
                  "gpg-verify",
                  "false",
                  "sign-verify",
                  "ed25519",
                  "sign-verify-summary",
                  "true",
                  "verification-ed25519-key",
                  pub),
              false);
      TrustRoots roots = new TrustRoots(tmp.resolve("nogpg"), List.of(tmp.resolve("etc")));
      var policy = RemoteTrust.policyFor(ok.path(), RemoteConfig.of(ok).get("origin"), roots);
      try (ObjectSource s = new ArchiveSource(new HttpTransport(server.url()))) {
        var r = new Puller(ok).pull(s, PullOptions.of("origin", List.of("os/stable"), policy));
        assertThat(r.verifiedSignatures().get(c)).anyMatch(x -> x.contains(pub));
      }
      assertThat(ok.hasObject(ObjectType.COMMIT, c)).isTrue();

      Files.createDirectories(tmp.resolve("etc"));
      Files.writeString(tmp.resolve("etc/revoked.ed25519"), pub + "\n");
      OstreeRepo revoked = OstreeRepo.init(tmp.resolve("revoked"), RepoMode.BARE_USER);
      RemoteConfig.of(revoked)
          .add(
              "origin",
              server.url(),
              Map.of("gpg-verify", "false", "sign-verify", "true", "verification-ed25519-key", pub),
              false);
      var policy2 =
          RemoteTrust.policyFor(revoked.path(), RemoteConfig.of(revoked).get("origin"), roots);
      try (ObjectSource s = new ArchiveSource(new HttpTransport(server.url()))) {
        assertThatThrownBy(
                () ->
                    new Puller(revoked)
                        .pull(s, PullOptions.of("origin", List.of("os/stable"), policy2)))
            .isInstanceOf(SignatureException.class)
            .hasMessageContaining("revoked");
      }
      assertThat(revoked.refs().list()).isEmpty();
      assertThat(revoked.hasObject(ObjectType.COMMIT, c)).isFalse();
    }
  }
}
