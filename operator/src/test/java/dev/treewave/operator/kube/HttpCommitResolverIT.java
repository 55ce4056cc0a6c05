package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.operator.rollout.CommitResolver.Resolved;
import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.Signatures;
import dev.treewave.ostree.sign.Signer;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Signer;
import dev.treewave.ostree.sign.gpg.GpgSigner;
import dev.treewave.ostree.summary.SummaryWriter;
import dev.treewave.testing.http.StaticRepoServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resolver against a real archive repository served over HTTP on 127.0.0.1, written and signed
 * with the ostree module: with verification on, the ref comes only from a summary whose signature
 * verifies.
 */
class HttpCommitResolverIT {
  private static final String REF = "os/x86_64";
  private static final Verification ED25519 =
      new Verification(VerificationMode.Ed25519, List.of(KeyReference.configMap("ns", "k", "k")));

  @TempDir Path dir;
  private OstreeRepo repo;
  private StaticRepoServer server;
  private Ed25519Signer trusted;
  private String v1;
  private String v2;

  @BeforeEach
  void repository() throws Exception {
    repo = OstreeRepo.init(dir.resolve("repo"), RepoMode.ARCHIVE);
    trusted = new Ed25519Signer(new byte[32]);
    v1 = commit("1", 1_700_000_000L);
    v2 = commit("2", 1_700_100_000L);
    server = StaticRepoServer.start(repo.path(), new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String commit(String version, long time) throws Exception {
    Path tree = dir.resolve("tree-" + version);
    Files.createDirectories(tree.resolve("usr"));
    Files.writeString(tree.resolve("usr/version"), version);
    ObjectId id =
        new TreeCommitter(
                repo,
                CommitOptions.builder()
                    .branch(REF)
                    .subject(version)
                    .timestamp(time)
                    .canonicalPermissions(true)
                    .tree(tree)
                    .build())
            .commit()
            .commit();
    return id.hex();
  }

  private void publish(String commit, Signer signer) {
    repo.refs().write(REF, ObjectId.parse(commit));
    byte[] summary = SummaryWriter.update(repo, Map.of());
    if (signer != null) {
      SummaryWriter.writeSignatures(
          repo, Signatures.append(Map.of(), signer.metadataKey(), signer.sign(summary)));
    }
  }

  private HttpCommitResolver resolver() {
    String key = Ed25519Keys.publicKeyString(trusted.publicKey()) + "\n";
    return new HttpCommitResolver(ref -> key.getBytes(StandardCharsets.US_ASCII));
  }

  private ImageSource source() {
    return new ImageSource(server.url(), REF, null);
  }

  @Test
  void aSignedSummaryResolvesTheRefWithItsCommitTime() throws Exception {
    publish(v2, trusted);
    Resolved r = resolver().resolve(source(), ED25519);
    assertThat(r.commit()).isEqualTo(v2);
    assertThat(r.time()).isEqualTo(Instant.ofEpochSecond(1_700_100_000L));
    assertThat(resolver().commitTime(source(), v1))
        .isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
  }

  @Test
  void aSummaryWithoutSignatureIsRefusedEvenThoughRefsHeadsNamesACommit() {
    publish(v2, null);
    assertThat(Files.exists(repo.path().resolve("refs/heads/" + REF))).isTrue();
    assertThatThrownBy(() -> resolver().resolve(source(), ED25519))
        .hasMessageContaining("summary.sig");
  }

  @Test
  void aSummarySignedByAnUntrustedKeyIsRefused() {
    publish(
        v2,
        new Ed25519Signer(
            new byte[] {
              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
              25, 26, 27, 28, 29, 30, 31, 32
            }));
    assertThatThrownBy(() -> resolver().resolve(source(), ED25519)).hasMessageContaining("ed25519");
  }

  @Test
  void aGpgSignedSummaryResolvesTheRefAndAnotherKeysSignatureIsRefused() throws Exception {
    PGPKeyRingGenerator trustedGpg = gpgKey("Fleet Signer <fleet@treewave.test>");
    PGPKeyRingGenerator otherGpg = gpgKey("Someone Else <else@treewave.test>");
    byte[] trustedPublic = trustedGpg.generatePublicKeyRing().getEncoded();
    HttpCommitResolver gpgResolver = new HttpCommitResolver(ref -> trustedPublic);
    Verification gpg =
        new Verification(VerificationMode.GPG, List.of(KeyReference.configMap("ns", "k", "k")));

    publish(v2, GpgSigner.fromBytes(trustedGpg.generateSecretKeyRing().getEncoded(), null, null));
    assertThat(gpgResolver.resolve(source(), gpg).commit()).isEqualTo(v2);

    publish(v1, GpgSigner.fromBytes(otherGpg.generateSecretKeyRing().getEncoded(), null, null));
    assertThatThrownBy(() -> gpgResolver.resolve(source(), gpg))
        .hasMessageContaining("summary")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  /** An unprotected RSA signing key made in memory (the resolver only needs its public ring). */
  private static PGPKeyRingGenerator gpgKey(String userId) throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    JcaPGPKeyPair pair =
        new JcaPGPKeyPair(PGPPublicKey.RSA_GENERAL, rsa.generateKeyPair(), new Date());
    return new PGPKeyRingGenerator(
        PGPSignature.POSITIVE_CERTIFICATION,
        pair,
        userId,
        new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1),
        null,
        null,
        new JcaPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256),
        null);
  }

  @Test
  void withVerificationDisabledTheRefFileIsRead() throws Exception {
    publish(v1, null);
    Resolved r =
        resolver().resolve(source(), new Verification(VerificationMode.Disabled, List.of()));
    assertThat(r.commit()).isEqualTo(v1);
  }

  @Test
  void aPinnedCommitNeedsNoRequest() throws Exception {
    int requests = server.requests().size();
    assertThat(resolver().resolve(new ImageSource(server.url(), REF, v1), ED25519).commit())
        .isEqualTo(v1);
    assertThat(server.requests()).hasSize(requests);
  }
}
