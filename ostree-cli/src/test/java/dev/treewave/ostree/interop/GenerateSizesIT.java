package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.cli.OstreeCli;
import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.CommitSizes;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.testing.Processes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code commit --generate-sizes} against ostree 2022.7: the same commands on the same trees give
 * the same commit checksums (so the {@code ostree.sizes} bytes are identical) in archive and
 * bare-user repositories, and {@link CommitSizes} reads what ostree wrote.
 */
class GenerateSizesIT {
  static final String TS = "--timestamp=2020-01-01 00:00:00 UTC";

  @TempDir Path tmp;
  final OstreeCliRunner ostree = new OstreeCliRunner();

  /** Runs the same command line with ostree and with our CLI (in-process); both must succeed. */
  record Pair(String theirs, String ours) {}

  private Pair both(Path theirRepo, Path ourRepo, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of(args));
    a.add(1, "--repo=" + theirRepo);
    String theirs = ostree.ok(tmp, a.toArray(String[]::new)).strip();
    a.set(1, "--repo=" + ourRepo);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        OstreeCli.run(
            a.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as("treewave-ostree %s: %s", a, err).isZero();
    return new Pair(theirs, out.toString().strip());
  }

  private Path[] repos(String mode) throws Exception {
    Path theirs = tmp.resolve("theirs-" + mode);
    Path ours = tmp.resolve("ours-" + mode);
    ostree.ok(tmp, "init", "--repo=" + theirs, "--mode=" + mode);
    OstreeRepo.init(ours, RepoMode.parse(mode));
    return new Path[] {theirs, ours};
  }

  @Test
  void archiveCommitsCarryIdenticalSizesAndChecksums() throws Exception {
    Path tree = TreeFixtures.richTree(tmp.resolve("tree"));
    Files.write(tree.resolve("big.bin"), pseudoRandom(300_000));
    Path[] r = repos("archive");
    Pair first =
        both(
            r[0],
            r[1],
            "commit",
            "-b",
            "os/x",
            "--tree=dir=" + tree,
            TS,
            "-s",
            "one",
            "--add-metadata-string=version=1",
            "--generate-sizes");
    assertThat(first.ours()).isEqualTo(first.theirs());

    // ostree's metadata parses, and lists every file, dirtree and dirmeta of the commit.
    OstreeRepo theirRepo = OstreeRepo.open(r[0]);
    Commit c = theirRepo.readCommit(ObjectId.parse(first.theirs()));
    CommitSizes sizes = CommitSizes.fromCommit(c).orElseThrow();
    assertThat(sizes.entries()).hasSize(countObjects(r[0]) - 1); // all but the commit itself
    for (CommitSizes.Entry e : sizes.entries()) {
      long onDisk = Files.size(theirRepo.objectPath(e.type(), e.id()));
      assertThat(e.archivedSize()).as("archived size of %s", e.id()).isEqualTo(onDisk);
      if (e.type() != ObjectType.FILE) {
        assertThat(e.unpackedSize()).isEqualTo(onDisk);
      }
    }
    CommitSizes.Entry big =
        sizes.entries().stream().filter(e -> e.unpackedSize() == 300_000).findFirst().orElseThrow();
    assertThat(big.type()).isEqualTo(ObjectType.FILE);
    assertThat(sizes.missing(e -> theirRepo.hasObject(e.type(), e.id())).objects()).isZero();

    // A re-commit stores nothing new but still lists every object, as libostree does.
    Pair again =
        both(
            r[0],
            r[1],
            "commit",
            "-b",
            "os/x",
            "--tree=dir=" + tree,
            TS,
            "-s",
            "two",
            "--generate-sizes");
    assertThat(again.ours()).isEqualTo(again.theirs());
    CommitSizes second =
        CommitSizes.fromCommit(OstreeRepo.open(r[1]).readCommit(ObjectId.parse(again.ours())))
            .orElseThrow();
    assertThat(second.entries()).hasSameSizeAs(sizes.entries());

    // From an existing commit (every object is walked again) and from an empty directory.
    Pair fromRef =
        both(r[0], r[1], "commit", "-b", "os/y", "--tree=ref=os/x", TS, "--generate-sizes");
    assertThat(fromRef.ours()).isEqualTo(fromRef.theirs());
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Pair fromEmpty =
        both(r[0], r[1], "commit", "-b", "os/e", "--tree=dir=" + empty, TS, "--generate-sizes");
    assertThat(fromEmpty.ours()).isEqualTo(fromEmpty.theirs());
    Path tar = tmp.resolve("tree.tar");
    Processes.check(
        new ProcessBuilder("tar", "-cf", tar.toString(), "-C", tree.toString(), "."),
        Duration.ofMinutes(2));
    Pair fromTar =
        both(r[0], r[1], "commit", "-b", "os/t", "--tree=tar=" + tar, TS, "--generate-sizes");
    assertThat(fromTar.ours()).isEqualTo(fromTar.theirs());

    assertThat(TreeFixtures.describeObjects(r[1]))
        .containsExactlyElementsOf(TreeFixtures.describeObjects(r[0]));
    assertThat(ostree.ok(tmp, "fsck", "--repo=" + r[1])).contains("no errors found");
  }

  @Test
  void overlaidTreesListEveryObjectStoredOnTheWay() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a/etc"));
    Files.writeString(a.resolve("os-release"), "ID=a\n");
    Files.writeString(a.resolve("keep"), "kept\n");
    Path b = Files.createDirectories(tmp.resolve("b/etc"));
    Files.writeString(b.resolve("os-release"), "ID=b\n"); // replaces a's file
    Path[] r = repos("archive");
    Pair p =
        both(
            r[0],
            r[1],
            "commit",
            "-b",
            "o",
            "--tree=dir=" + tmp.resolve("a"),
            "--tree=dir=" + tmp.resolve("b"),
            TS,
            "--generate-sizes");
    assertThat(p.ours()).isEqualTo(p.theirs());
  }

  @Test
  void bareUserIgnoresTheFlagLikeOstree() throws Exception {
    Path tree = TreeFixtures.richTree(tmp.resolve("tree"));
    Path[] r = repos("bare-user");
    Pair p = both(r[0], r[1], "commit", "-b", "b", "--tree=dir=" + tree, TS, "--generate-sizes");
    assertThat(p.ours()).isEqualTo(p.theirs());
    Commit c = OstreeRepo.open(r[1]).readCommit(ObjectId.parse(p.ours()));
    assertThat(CommitSizes.fromCommit(c)).isEmpty();
  }

  /** Incompressible bytes, so the archived size is larger than the unpacked one. */
  private static byte[] pseudoRandom(int n) {
    byte[] b = new byte[n];
    new java.util.Random(42).nextBytes(b);
    return b;
  }

  private static int countObjects(Path repo) throws Exception {
    try (var s = Files.walk(repo.resolve("objects"))) {
      return (int) s.filter(Files::isRegularFile).count();
    }
  }
}
