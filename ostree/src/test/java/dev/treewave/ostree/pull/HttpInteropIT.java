package dev.treewave.ostree.pull;

import static dev.treewave.ostree.pull.Cli.ostree;
import static dev.treewave.ostree.pull.Cli.repo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.delta.DeltaGenerator;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.remote.RemoteConfig;
import dev.treewave.ostree.remote.RemoteTrust;
import dev.treewave.ostree.remote.TrustRoots;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.GnuPgHome;
import dev.treewave.ostree.sign.SignatureException;
import dev.treewave.ostree.sign.Signatures;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.ostree.sign.gpg.GpgSigner;
import dev.treewave.ostree.sign.gpg.GpgVerifier;
import dev.treewave.ostree.summary.SummaryWriter;
import dev.treewave.testing.http.StaticRepoServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP interop with the real ostree 2022.7 on 127.0.0.1, with GPG verification on, both ways: real
 * {@code ostree pull} from repos we write, sign, delta and serve; our pull from repos real ostree
 * writes, signs and deltas, served by our static server.
 */
class HttpInteropIT {
  @TempDir Path tmp;
  GnuPgHome gpg;
  StaticRepoServer server;

  @BeforeEach
  void setUp() throws Exception {
    gpg = GnuPgHome.create(tmp.resolve("gnupg"), "Treewave Signer", "rsa2048");
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    gpg.close();
  }

  /** Our archive repo with two signed commits, a signed summary, and optionally our deltas. */
  private ObjectId[] ourSignedRepo(Path repoDir, boolean deltas) throws Exception {
    OstreeRepo src = OstreeRepo.init(repoDir, RepoMode.ARCHIVE);
    GpgSigner signer = GpgSigner.fromBytes(gpg.exportSecret(), gpg.fingerprint(), null);
    TreeFixture.smallTree(tmp.resolve("tree"), "one");
    ObjectId c1 =
        TreeFixture.commit(src, tmp.resolve("tree"), "os/stable", Optional.empty(), 1_700_000_000L);
    Signatures.signCommit(src, c1, signer);
    Files.writeString(tmp.resolve("tree/etc/hostname"), "updated\n");
    Files.write(tmp.resolve("tree/usr/bin/huge"), new byte[4_500_000]);
    byte[] blob = Files.readAllBytes(tmp.resolve("tree/usr/bin/blob"));
    for (int i = 0; i < 100; i++) {
      blob[150_000 + i] ^= 0x5a; // a small change in a 300 KB incompressible file: rolling diff
    }
    Files.write(tmp.resolve("tree/usr/bin/blob"), blob);
    ObjectId c2 =
        TreeFixture.commit(src, tmp.resolve("tree"), "os/stable", Optional.of(c1), 1_700_000_100L);
    Signatures.signCommit(src, c2, signer);
    if (deltas) {
      new DeltaGenerator(src, DeltaGenerator.Options.DEFAULTS).generate(Optional.empty(), c1);
      new DeltaGenerator(src, DeltaGenerator.Options.DEFAULTS).generate(Optional.of(c1), c2);
    }
    byte[] summary = SummaryWriter.update(src, Map.of());
    SummaryWriter.writeSignatures(
        src, Signatures.append(Map.of(), GpgVerifier.METADATA_KEY, signer.sign(summary)));
    server = StaticRepoServer.start(repoDir, new InetSocketAddress("127.0.0.1", 0));
    return new ObjectId[] {c1, c2};
  }

  private Path realClient(String name) throws Exception {
    Path client = tmp.resolve(name);
    ostree("init", repo(client), "--mode=bare-user").ok();
    Path key = gpg.exportPublicTo(tmp.resolve("pub.gpg"));
    ostree(
            "remote",
            "add",
            repo(client),
            "--set=gpg-verify=true",
            "--set=gpg-verify-summary=true",
            "--gpg-import=" + key,
            "origin",
            server.url())
        .ok();
    return client;
  }

  private void assertCheckoutMatches(Path client, String rev, Path expectedTree) throws Exception {
    ostree("fsck", repo(client)).ok();
    Path co =
        tmp.resolve("co-" + client.getFileName() + "-" + rev.replace(':', '_').replace('/', '_'));
    ostree("checkout", repo(client), "-U", rev, co.toString()).ok();
    assertThat(TreeFixture.snapshot(co)).isEqualTo(TreeFixture.snapshot(expectedTree));
  }

  @Test
  void realOstreePullsOurGpgSignedRepoWithoutDeltas() throws Exception {
    ObjectId[] c = ourSignedRepo(tmp.resolve("ours"), false);
    Path client = realClient("client");
    Cli.Result r = ostree("pull", repo(client), "origin", "os/stable").ok();
    assertThat(r.out() + r.err()).doesNotContain("delta");
    assertThat(ostree("rev-parse", repo(client), "origin:os/stable").ok().out().strip())
        .isEqualTo(c[1].hex());
    assertCheckoutMatches(client, "origin:os/stable", tmp.resolve("tree"));
    assertThat(ostree("show", repo(client), "--gpg-homedir=" + gpg.home(), c[1].hex()).ok().out())
        .contains("Good signature");
  }

  @Test
  void realOstreePullsOurStaticDeltas() throws Exception {
    ObjectId[] c = ourSignedRepo(tmp.resolve("ours"), true);
    Path client = realClient("client");
    ostree("pull", repo(client), "--require-static-deltas", "origin", "os/stable@" + c[0].hex())
        .ok();
    server.clearLog();
    Cli.Result r =
        ostree("pull", repo(client), "--require-static-deltas", "origin", "os/stable").ok();
    assertThat(server.requests()).anyMatch(q -> q.path().endsWith("/superblock"));
    String part0 = "/" + dev.treewave.ostree.delta.DeltaName.of(c[0], c[1]).partPath(0);
    assertThat(server.requests()).anyMatch(q -> q.path().equals(part0) && q.status() == 200);
    // the fallback is fetched loose; 2022.7 may also fetch objects loose that a part is still
    // producing (the upstream race noted in the issue), so only a bound is asserted
    assertThat(server.requests().stream().filter(q -> q.path().endsWith(".filez")).count())
        .isBetween(1L, 3L);
    assertCheckoutMatches(client, "origin:os/stable", tmp.resolve("tree"));
    long partBytes =
        Files.size(
            tmp.resolve("ours")
                .resolve(dev.treewave.ostree.delta.DeltaName.of(c[0], c[1]).partPath(0)));
    assertThat(partBytes).isLessThan(50_000); // the 300 KB file went as a diff, not whole
    String show =
        ostree("static-delta", "show", repo(tmp.resolve("ours")), c[0].hex() + "-" + c[1].hex())
            .ok()
            .out();
    assertThat(show).contains("Endianness: little").contains("Fallback");
    assertThat(r.exit()).isZero();
  }

  @Test
  void realOstreeRefusesOurTamperedSummary() throws Exception {
    ourSignedRepo(tmp.resolve("ours"), false);
    Path client = realClient("client");
    Path summary = tmp.resolve("ours/summary");
    byte[] b = Files.readAllBytes(summary);
    b[20] ^= 1; // inside a commit checksum: still parses, no longer matches the signature
    Files.write(summary, b);
    Cli.Result r = ostree("pull", repo(client), "origin", "os/stable");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).containsIgnoringCase("signature");
  }

  /** A repo written, GPG-signed and delta-ed by real ostree. */
  private ObjectId[] realSignedRepo(Path repoDir) throws Exception {
    String home = "--gpg-homedir=" + gpg.home();
    ostree("init", repo(repoDir), "--mode=archive").ok();
    TreeFixture.smallTree(tmp.resolve("rtree"), "real");
    ostree(
            "commit",
            repo(repoDir),
            "-b",
            "os/stable",
            "--tree=dir=" + tmp.resolve("rtree"),
            "--gpg-sign=" + gpg.fingerprint(),
            home,
            "-s",
            "one")
        .ok();
    ObjectId c1 =
        ObjectId.parse(ostree("rev-parse", repo(repoDir), "os/stable").ok().out().strip());
    Files.writeString(tmp.resolve("rtree/etc/hostname"), "changed by real\n");
    Files.write(tmp.resolve("rtree/usr/bin/huge"), new byte[4_500_000]);
    ostree(
            "commit",
            repo(repoDir),
            "-b",
            "os/stable",
            "--tree=dir=" + tmp.resolve("rtree"),
            "--gpg-sign=" + gpg.fingerprint(),
            home,
            "-s",
            "two")
        .ok();
    ObjectId c2 =
        ObjectId.parse(ostree("rev-parse", repo(repoDir), "os/stable").ok().out().strip());
    ostree("static-delta", "generate", repo(repoDir), "--empty", "--to=" + c1.hex()).ok();
    ostree("static-delta", "generate", repo(repoDir), "--from=" + c1.hex(), "--to=" + c2.hex())
        .ok();
    ostree("summary", repo(repoDir), "-u", "--gpg-sign=" + gpg.fingerprint(), home).ok();
    server = StaticRepoServer.start(repoDir, new InetSocketAddress("127.0.0.1", 0));
    return new ObjectId[] {c1, c2};
  }

  private OstreeRepo ourClient(String name) throws Exception {
    OstreeRepo client = OstreeRepo.init(tmp.resolve(name), RepoMode.BARE_USER);
    RemoteConfig remotes = RemoteConfig.of(client);
    remotes.add(
        "origin", server.url(), Map.of("gpg-verify", "true", "gpg-verify-summary", "true"), false);
    remotes.gpgImport("origin", gpg.exportPublic());
    return client;
  }

  private PullResult ourPull(OstreeRepo client, String... refs) {
    var remote = RemoteConfig.of(client).get("origin");
    VerificationPolicy policy =
        RemoteTrust.policyFor(
            client.path(), remote, new TrustRoots(tmp.resolve("none"), List.of()));
    try (ObjectSource s = new ArchiveSource(new HttpTransport(remote.url()))) {
      return new Puller(client).pull(s, PullOptions.of("origin", List.of(refs), policy));
    }
  }

  @Test
  void wePullARealOstreeRepoWithSignaturesAndDeltas() throws Exception {
    ObjectId[] c = realSignedRepo(tmp.resolve("real"));
    OstreeRepo client = ourClient("client");
    PullResult first = ourPull(client, "os/stable@" + c[0].hex());
    assertThat(first.deltasUsed()).containsExactly(c[0].hex());
    assertThat(first.verifiedSignatures().get(c[0])).anyMatch(s -> s.startsWith("Good signature"));
    PullResult second = ourPull(client, "os/stable");
    assertThat(second.deltasUsed()).containsExactly(c[0].hex() + "-" + c[1].hex());
    assertThat(client.refs().read("origin:os/stable")).contains(c[1]);
    // the real ostree judges our result, and the tree is the one that was committed
    ostree("fsck", repo(client.path())).ok();
    Path co = tmp.resolve("co");
    ostree("checkout", repo(client.path()), "-U", c[1].hex(), co.toString()).ok();
    assertThat(TreeFixture.snapshot(co)).isEqualTo(TreeFixture.snapshot(tmp.resolve("rtree")));

    // and without deltas, the object walk gives the same objects
    OstreeRepo plain = OstreeRepo.init(tmp.resolve("plain"), RepoMode.BARE_USER);
    try (ObjectSource s = new ArchiveSource(new HttpTransport(server.url()))) {
      new Puller(plain)
          .pull(
              s,
              PullOptions.of("origin", List.of("os/stable"), VerificationPolicy.NONE)
                  .withDeltas(false));
    }
    assertThat(RepoReader.snapshot(plain, c[1])).isEqualTo(RepoReader.snapshot(client, c[1]));
  }

  @Test
  void verificationFailuresMoveNoRef() throws Exception {
    ObjectId[] c = realSignedRepo(tmp.resolve("real"));
    // untrusted: a different key in the keyring
    try (GnuPgHome stranger = GnuPgHome.create(tmp.resolve("gnupg2"), "Stranger", "rsa2048")) {
      OstreeRepo client = OstreeRepo.init(tmp.resolve("c1"), RepoMode.BARE_USER);
      RemoteConfig.of(client).add("origin", server.url(), Map.of("gpg-verify", "true"), false);
      RemoteConfig.of(client).gpgImport("origin", stranger.exportPublic());
      assertThatThrownBy(() -> ourPull(client, "os/stable"))
          .isInstanceOf(SignatureException.class)
          .hasMessageContaining("untrusted key");
      assertThat(client.refs().list()).isEmpty();
    }
    // tampered summary
    Path summary = tmp.resolve("real/summary");
    byte[] orig = Files.readAllBytes(summary);
    byte[] bad = orig.clone();
    bad[20] ^= 1;
    Files.write(summary, bad);
    OstreeRepo c2 = ourClient("c2");
    assertThatThrownBy(() -> ourPull(c2, "os/stable"))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("summary");
    assertThat(c2.refs().list()).isEmpty();
    Files.write(summary, orig);
    // unsigned commit
    ostree(
            "commit",
            repo(tmp.resolve("real")),
            "-b",
            "unsigned",
            "--tree=dir=" + tmp.resolve("rtree"),
            "-s",
            "x")
        .ok();
    ostree(
            "summary",
            repo(tmp.resolve("real")),
            "-u",
            "--gpg-sign=" + gpg.fingerprint(),
            "--gpg-homedir=" + gpg.home())
        .ok();
    OstreeRepo c3 = ourClient("c3");
    assertThatThrownBy(() -> ourPull(c3, "unsigned"))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("no signatures found");
    assertThat(c3.refs().list()).isEmpty();
    // revoked key
    gpg.revoke();
    OstreeRepo c4 = ourClient("c4");
    assertThatThrownBy(() -> ourPull(c4, "os/stable@" + c[1].hex()))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("revoked");
    assertThat(c4.refs().list()).isEmpty();
    assertThat(GVariant.class).isNotNull();
  }
}
