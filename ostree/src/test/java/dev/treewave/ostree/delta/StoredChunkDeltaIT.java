package dev.treewave.ostree.delta;

import static dev.treewave.ostree.pull.Cli.ostree;
import static dev.treewave.ostree.pull.Cli.repo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.pull.Cli;
import dev.treewave.ostree.pull.TreeFixture;
import dev.treewave.testing.RequiredTool;
import dev.treewave.testing.http.StaticRepoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our deltas with incompressible files in uncompressed parts (compression type 0) beside xz parts,
 * against the real ostree 2022.7: {@code static-delta show} reads them, {@code ostree pull} over
 * HTTP on 127.0.0.1 and {@code static-delta apply-offline} apply them, and fsck and checkout agree
 * with the committed tree.
 */
class StoredChunkDeltaIT {
  @TempDir Path tmp;
  StaticRepoServer server;
  ObjectId c1;
  ObjectId c2;
  Path src;

  @BeforeEach
  void setUp() throws Exception {
    TreeFixture.ServedUpdate u =
        TreeFixture.servedUpdate(
            tmp,
            tree -> DeltaGeneratorTest.mixedTree(tree, 1),
            tree -> DeltaGeneratorTest.mixedTree(tree, 2),
            (repo, from, to) -> {
              DeltaGenerator gen = new DeltaGenerator(repo, DeltaGenerator.Options.DEFAULTS);
              gen.generate(Optional.empty(), from);
              gen.generate(Optional.of(from), to);
            });
    src = u.src();
    c1 = u.c1();
    c2 = u.c2();
    server = u.server();
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  /** The part's xz stream checked by the real xz (liblzma, as in ostree); its stored share. */
  private double storedShare(DeltaName name, int part) throws IOException {
    Path file = src.resolve(name.partPath(part));
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes[0]).isEqualTo((byte) 'x');
    Path stream = tmp.resolve("part-" + part + ".xz");
    Files.write(stream, java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
    String xz = RequiredTool.require("xz", "apt-get install xz-utils").toString();
    assertThat(
            Cli.run(java.util.List.of(xz, "-t", "--single-stream", stream.toString()), Map.of())
                .exit())
        .isZero();
    return (double) bytes.length / DeltaPart.decode(bytes).blob().length;
  }

  private void assertHas(Path client, ObjectId commit) throws IOException {
    ostree("fsck", repo(client)).ok();
    Path co = tmp.resolve("co-" + client.getFileName() + "-" + commit.hex().substring(0, 8));
    ostree("checkout", repo(client), "-U", commit.hex(), co.toString()).ok();
    assertThat(TreeFixture.snapshot(co)).isEqualTo(TreeFixture.snapshot(tmp.resolve("tree")));
  }

  @Test
  void realOstreeShowsAndPullsDeltasWithUncompressedParts() throws IOException {
    DeltaName update = DeltaName.of(c1, c2);
    // one part of the update is the new random file in stored chunks, the other compressed
    double share0 = storedShare(update, 0);
    double share1 = storedShare(update, 1);
    assertThat(Math.max(share0, share1)).isGreaterThan(1.0);
    assertThat(Math.min(share0, share1)).isLessThan(0.5);
    String show = ostree("static-delta", "show", repo(src), update.toString()).ok().out();
    assertThat(show).contains("Number of parts: 2").contains("Number of fallback entries: 0");

    Path client = tmp.resolve("client");
    ostree("init", repo(client), "--mode=bare-user").ok();
    ostree("remote", "add", repo(client), "--no-gpg-verify", "origin", server.url()).ok();
    ostree("pull", repo(client), "--require-static-deltas", "origin", "os@" + c1.hex()).ok();
    server.clearLog();
    ostree("pull", repo(client), "--require-static-deltas", "origin", "os").ok();
    String dir = "/" + update.directory() + "/";
    assertThat(server.requests()).anyMatch(q -> q.path().equals(dir + "0") && q.status() == 200);
    assertThat(server.requests()).anyMatch(q -> q.path().equals(dir + "1") && q.status() == 200);
    assertThat(ostree("rev-parse", repo(client), "origin:os").ok().out().strip())
        .isEqualTo(c2.hex());
    assertHas(client, c2);
  }

  @Test
  void realOstreeAppliesThemOffline() throws IOException {
    Path client = tmp.resolve("offline");
    ostree("init", repo(client), "--mode=bare-user").ok();
    ostree(
            "static-delta",
            "apply-offline",
            repo(client),
            src.resolve(DeltaName.scratch(c1).superblockPath()).toString())
        .ok();
    ostree(
            "static-delta",
            "apply-offline",
            repo(client),
            src.resolve(DeltaName.of(c1, c2).superblockPath()).toString())
        .ok();
    assertHas(client, c2);
  }
}
