package dev.treewave.ostree.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.delta.DeltaGenerator;
import dev.treewave.ostree.repo.CorruptObjectException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.ostree.summary.SummaryWriter;
import dev.treewave.testing.http.StaticRepoServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our pull against our static server over real loopback HTTP. */
class PullTest {
  @TempDir Path tmp;
  OstreeRepo src;
  StaticRepoServer server;
  ObjectId c1;

  @BeforeEach
  void setUp() throws Exception {
    src = OstreeRepo.init(tmp.resolve("src"), RepoMode.ARCHIVE);
    TreeFixture.smallTree(tmp.resolve("t1"), "one");
    c1 = TreeFixture.commit(src, tmp.resolve("t1"), "os/stable", Optional.empty(), 1_700_000_000L);
    server = StaticRepoServer.start(src.path(), new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private OstreeRepo dest(String name, RepoMode mode) {
    return OstreeRepo.init(tmp.resolve(name), mode);
  }

  private PullResult pull(OstreeRepo dst, PullOptions o) {
    try (ObjectSource s = new ArchiveSource(new HttpTransport(server.url()))) {
      return new Puller(dst).pull(s, o);
    }
  }

  private static PullOptions opts(String... refs) {
    return PullOptions.of("origin", List.of(refs), VerificationPolicy.NONE);
  }

  @Test
  void pullsWithoutSummaryIntoEveryMode() throws Exception {
    for (RepoMode mode : List.of(RepoMode.BARE_USER, RepoMode.ARCHIVE)) {
      OstreeRepo dst = dest("dst-" + mode, mode);
      PullResult r = pull(dst, opts("os/stable"));
      assertThat(r.refs()).containsEntry("origin:os/stable", c1);
      assertThat(dst.refs().read("origin:os/stable")).contains(c1);
      assertThat(RepoReader.snapshot(dst, c1)).isEqualTo(RepoReader.snapshot(src, c1));
      assertThat(dst.path().resolve("state/" + c1.hex() + ".commitpartial")).doesNotExist();
    }
    // request order without a summary, as ostree: summary.sig, summary, refs/heads/…, commitmeta,
    // commit
    List<String> paths = server.requests().stream().map(StaticRepoServer.Request::path).toList();
    assertThat(paths.subList(0, 3))
        .containsExactly("/summary.sig", "/summary", "/refs/heads/os/stable");
  }

  @Test
  void pullsThroughSummaryAndSkipsPresentObjects() throws Exception {
    SummaryWriter.update(src, Map.of());
    OstreeRepo dst = dest("dst", RepoMode.BARE_USER);
    PullResult first = pull(dst, opts("os/stable"));
    assertThat(first.stats().contentFetched()).isEqualTo(5);
    assertThat(server.requests()).anyMatch(q -> q.path().equals("/config"));

    TreeFixture.smallTree(tmp.resolve("t1"), "two"); // overwrite: 2 files change
    ObjectId c2 =
        TreeFixture.commit(src, tmp.resolve("t1"), "os/stable", Optional.of(c1), 1_700_000_100L);
    SummaryWriter.update(src, Map.of());
    PullResult second = pull(dst, opts("os/stable"));
    assertThat(second.refs()).containsEntry("origin:os/stable", c2);
    assertThat(second.stats().contentFetched()).isEqualTo(2);
    assertThat(RepoReader.snapshot(dst, c2)).isEqualTo(RepoReader.snapshot(src, c2));
    assertThat(dst.hasObject(ObjectType.COMMIT, c1)).isTrue();
  }

  @Test
  void depthFollowsParentsAndMetadataOnlyLeavesPartial() throws Exception {
    TreeFixture.smallTree(tmp.resolve("t1"), "two");
    ObjectId c2 =
        TreeFixture.commit(src, tmp.resolve("t1"), "os/stable", Optional.of(c1), 1_700_000_100L);
    OstreeRepo meta = dest("meta", RepoMode.BARE_USER);
    pull(meta, opts("os/stable").withCommitMetadataOnly(true));
    assertThat(meta.hasObject(ObjectType.COMMIT, c2)).isTrue();
    assertThat(meta.path().resolve("state/" + c2.hex() + ".commitpartial")).exists();
    assertThat(meta.refs().read("origin:os/stable")).contains(c2);

    OstreeRepo deep = dest("deep", RepoMode.BARE_USER);
    pull(deep, opts("os/stable").withDepth(1));
    assertThat(RepoReader.snapshot(deep, c1)).isEqualTo(RepoReader.snapshot(src, c1));
    OstreeRepo shallow = dest("shallow", RepoMode.BARE_USER);
    pull(shallow, opts("os/stable"));
    assertThat(shallow.hasObject(ObjectType.COMMIT, c1)).isFalse();
  }

  @Test
  void mirrorCopiesRefsAndSummary() throws Exception {
    SummaryWriter.update(src, Map.of());
    OstreeRepo dst = dest("mirror", RepoMode.ARCHIVE);
    pull(dst, opts().withMirror(true));
    assertThat(dst.refs().read("os/stable")).contains(c1);
    assertThat(Files.readAllBytes(dst.path().resolve("summary")))
        .isEqualTo(Files.readAllBytes(src.path().resolve("summary")));
  }

  @Test
  void corruptObjectIsRefusedAndNothingBecomesVisible() throws Exception {
    // replace one content object's bytes with another valid object's bytes
    List<ObjectId> files = new ArrayList<>(src.listObjects(ObjectType.FILE));
    Path victim = src.objectPath(ObjectType.FILE, files.get(0));
    Files.copy(
        src.objectPath(ObjectType.FILE, files.get(1)),
        victim,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    OstreeRepo dst = dest("dst", RepoMode.BARE_USER);
    assertThatThrownBy(() -> pull(dst, opts("os/stable")))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(files.get(0).hex());
    assertThat(dst.hasObject(ObjectType.FILE, files.get(0))).isFalse();
    assertThat(dst.refs().read("origin:os/stable")).isEmpty();
    assertThat(dst.path().resolve("state/" + c1.hex() + ".commitpartial")).exists();
  }

  @Test
  void interruptedPullResumesWithoutRefetchingVerifiedObjects() throws Exception {
    OstreeRepo dst = dest("dst", RepoMode.BARE_USER);
    List<ObjectId> files = src.listObjects(ObjectType.FILE);
    String missing =
        "/objects/"
            + files.get(0).hex().substring(0, 2)
            + "/"
            + files.get(0).hex().substring(2)
            + ".filez";
    server.setFaultInjector(
        p -> p.equals(missing) ? StaticRepoServer.Fault.SERVER_ERROR : StaticRepoServer.Fault.NONE);
    PullOptions quick = opts("os/stable");
    assertThatThrownBy(
            () -> {
              try (ObjectSource s =
                  new ArchiveSource(
                      new HttpTransport(
                          server.url(),
                          1,
                          java.time.Duration.ofSeconds(5),
                          java.time.Duration.ofSeconds(30)))) {
                new Puller(dst).pull(s, quick);
              }
            })
        .isInstanceOf(PullException.class)
        .hasMessageContaining("HTTP 503");
    assertThat(dst.refs().read("origin:os/stable")).isEmpty();
    assertThat(dst.path().resolve("state/" + c1.hex() + ".commitpartial")).exists();
    long kept = dst.listObjects(ObjectType.FILE).size();
    assertThat(kept).isEqualTo(files.size() - 1);

    server.setFaultInjector(StaticRepoServer.FaultInjector.NONE);
    PullResult r = pull(dst, opts("os/stable"));
    assertThat(r.stats().contentFetched()).isEqualTo(1);
    assertThat(dst.refs().read("origin:os/stable")).contains(c1);
    assertThat(dst.path().resolve("state/" + c1.hex() + ".commitpartial")).doesNotExist();
  }

  @Test
  void commitBoundToAnotherRefIsRefused() throws Exception {
    // a commit made for "os/old" served under "os/stable": refused before anything is written
    ObjectId bound;
    try (var tx = src.beginTransaction()) {
      var base = src.readCommit(c1);
      java.util.Map<String, dev.treewave.ostree.gvariant.GVariant> meta =
          new java.util.LinkedHashMap<>();
      meta.put(
          "ostree.ref-binding",
          new dev.treewave.ostree.gvariant.GVariant.Arr(
              dev.treewave.ostree.gvariant.GVariantType.STRING,
              List.of(dev.treewave.ostree.gvariant.GVariant.str("os/old"))));
      bound =
          tx.writeCommit(
              new dev.treewave.ostree.core.Commit(
                  meta, Optional.empty(), "s", "", 5L, base.rootTree(), base.rootMeta()));
      tx.commit();
    }
    src.refs().write("os/stable", bound);
    OstreeRepo dst = dest("dst", RepoMode.BARE_USER);
    assertThatThrownBy(() -> pull(dst, opts("os/stable")))
        .isInstanceOf(PullException.class)
        .hasMessageContaining("bound to refs [os/old]");
    assertThat(dst.hasObject(ObjectType.COMMIT, bound)).isFalse();
    assertThat(dst.refs().list()).isEmpty();
    src.refs().write("os/old", bound);
    assertThat(pull(dst, opts("os/old")).refs()).containsEntry("origin:os/old", bound);
  }

  @Test
  void unknownRefAndBadSummaryGiveClearErrors() throws Exception {
    OstreeRepo dst = dest("dst", RepoMode.BARE_USER);
    assertThatThrownBy(() -> pull(dst, opts("nope")))
        .isInstanceOf(PullException.class)
        .hasMessageContaining("no ref 'nope'");
    SummaryWriter.update(src, Map.of());
    assertThatThrownBy(() -> pull(dst, opts("nope")))
        .hasMessageContaining("No such branch 'nope' in repository summary");
    byte[] s = Files.readAllBytes(src.path().resolve("summary"));
    s[s.length - 1] ^= 0x55; // break the framing
    Files.write(src.path().resolve("summary"), s);
    assertThatThrownBy(() -> pull(dst, opts("os/stable")))
        .isInstanceOf(PullException.class)
        .hasMessageContaining("Invalid summary");
    assertThat(dst.refs().list()).isEmpty();
  }

  @Test
  void pullUsesStaticDeltasAndRefusesCorruptParts() throws Exception {
    OstreeRepo dst = dest("dst", RepoMode.BARE_USER);
    new DeltaGenerator(src, DeltaGenerator.Options.DEFAULTS).generate(Optional.empty(), c1);
    SummaryWriter.update(src, Map.of());
    PullResult r = pull(dst, opts("os/stable"));
    assertThat(r.deltasUsed()).containsExactly(c1.hex());
    assertThat(server.requests()).noneMatch(q -> q.path().endsWith(".filez"));
    assertThat(RepoReader.snapshot(dst, c1)).isEqualTo(RepoReader.snapshot(src, c1));

    // from-to delta with a large fallback file and a tiny part size (several parts)
    Files.write(tmp.resolve("t1/usr/bin/huge"), new byte[5_000_000]);
    Files.writeString(tmp.resolve("t1/etc/hostname"), "changed\n");
    byte[] blob = Files.readAllBytes(tmp.resolve("t1/usr/bin/blob"));
    blob[1000] ^= 1;
    Files.write(tmp.resolve("t1/usr/bin/blob"), blob);
    ObjectId c2 =
        TreeFixture.commit(src, tmp.resolve("t1"), "os/stable", Optional.of(c1), 1_700_000_100L);
    new DeltaGenerator(src, DeltaGenerator.Options.DEFAULTS.withMaxPartSize(1000))
        .generate(Optional.of(c1), c2);
    SummaryWriter.update(src, Map.of());
    server.clearLog();
    PullResult r2 = pull(dst, opts("os/stable"));
    assertThat(r2.deltasUsed()).containsExactly(c1.hex() + "-" + c2.hex());
    assertThat(server.requests().stream().filter(q -> q.path().endsWith(".filez")).count())
        .isEqualTo(1);
    assertThat(RepoReader.snapshot(dst, c2)).isEqualTo(RepoReader.snapshot(src, c2));

    // a modified large file with a previous version travels as a diff, not as a fallback
    byte[] huge = Files.readAllBytes(tmp.resolve("t1/usr/bin/huge"));
    huge[2_000_000] = 7;
    Files.write(tmp.resolve("t1/usr/bin/huge"), huge);
    ObjectId c3 =
        TreeFixture.commit(src, tmp.resolve("t1"), "os/stable", Optional.of(c2), 1_700_000_200L);
    new DeltaGenerator(src, DeltaGenerator.Options.DEFAULTS).generate(Optional.of(c2), c3);
    SummaryWriter.update(src, Map.of());
    server.clearLog();
    PullResult r3 = pull(dst, opts("os/stable"));
    assertThat(r3.deltasUsed()).containsExactly(c2.hex() + "-" + c3.hex());
    assertThat(server.requests()).noneMatch(q -> q.path().endsWith(".filez"));
    assertThat(RepoReader.snapshot(dst, c3)).isEqualTo(RepoReader.snapshot(src, c3));

    // a corrupted part: the pull fails clearly and the ref stays
    OstreeRepo other = dest("other", RepoMode.BARE_USER);
    Path part = src.path().resolve(dev.treewave.ostree.delta.DeltaName.scratch(c1).partPath(0));
    byte[] b = Files.readAllBytes(part);
    b[b.length / 2] ^= 1;
    Files.write(part, b);
    assertThatThrownBy(() -> pull(other, opts("os/stable@" + c1.hex())))
        .hasMessageContaining("wrong checksum");
    assertThat(other.refs().list()).isEmpty();
  }
}
