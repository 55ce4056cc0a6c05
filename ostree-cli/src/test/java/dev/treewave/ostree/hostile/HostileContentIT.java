package dev.treewave.ostree.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .filez} zlib bombs over HTTP on 127.0.0.1 against our CLI in a JVM with the agent's flags:
 * a declared size that the commit's {@code ostree.sizes} contradicts is refused before writing;
 * without sizes, libostree's min-free-space reserve (3% by default) refuses an object that does not
 * fit, on a real 64 MiB tmpfs, before it is written; the same guard holds for commit.
 */
class HostileContentIT {
  static final long GIB = 1L << 30;
  static final long RSS_LIMIT_KB = 250_000;

  @TempDir Path tmp;

  private static ForkedCli.Result pull(Path tmp, Path client) throws Exception {
    return ForkedCli.run(tmp, List.of("--repo=" + client, "pull", "--quiet", "origin", "os"));
  }

  private static long objectBytes(Path repo) throws Exception {
    try (Stream<Path> s = Files.walk(repo)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void aFilezDeclaringMoreThanTheCommitsSizesIsRefusedBeforeWriting() throws Exception {
    try (HostileRemote remote = HostileRemote.startWithSizes(tmp)) {
      ObjectId blob = remote.blobFile();
      remote.replaceWithFilezBomb(blob, GIB, GIB); // ~1 MB on the wire
      Path client = remote.client(tmp.resolve("client"));
      long before = objectBytes(client);
      ForkedCli.Result r = pull(tmp, client);
      System.out.printf("sizes: exit %d, RSS %d KB, %s%n", r.exit(), r.peakRssKb(), r.err());
      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.errLines()).hasSize(1);
      assertThat(r.errLines().get(0))
          .startsWith("error: ")
          .contains(blob.hex())
          .contains("declares 1073741824 bytes, but the commit's sizes give 300000");
      assertThat(r.peakRssKb()).isLessThan(RSS_LIMIT_KB);
      assertThat(OstreeRepo.open(client).refs().read("origin:os")).isEmpty();
      assertThat(objectBytes(client) - before).isLessThan(1_000_000); // the small honest objects
      // one request for the bomb: a wrong declared size is not retried
      assertThat(remote.server.requests())
          .filteredOn(q -> q.path().endsWith(blob.hex().substring(2) + ".filez"))
          .hasSize(1);
    }
  }

  @Test
  void withoutSizesTheFreeSpaceReserveRefusesABombBeforeWritingIt() throws Exception {
    try (HostileRemote remote = HostileRemote.start(tmp);
        SmallFilesystem fs = SmallFilesystem.mount(tmp.resolve("small"), 64)) {
      ObjectId blob = remote.blobFile();
      remote.replaceWithFilezBomb(blob, GIB, GIB);
      Path client = remote.client(fs.mountPoint.resolve("client"));
      long before = fs.usedBytes();
      ForkedCli.Result r = pull(tmp, client);
      long written = fs.usedBytes() - before;
      System.out.printf(
          "free space: exit %d, RSS %d KB, %d bytes written, %s%n",
          r.exit(), r.peakRssKb(), written, r.err());
      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.errLines()).hasSize(1);
      assertThat(r.errLines().get(0))
          .startsWith("error: ")
          .contains("min-free-space-percent '3%' would be exceeded, at least 1.1 GB requested");
      assertThat(r.peakRssKb()).isLessThan(RSS_LIMIT_KB);
      assertThat(written).isLessThan(1_000_000);
      assertThat(OstreeRepo.open(client).refs().read("origin:os")).isEmpty();
    }
  }

  @Test
  void theReserveIsConfigurableAndGuardsCommitToo() throws Exception {
    try (SmallFilesystem fs = SmallFilesystem.mount(tmp.resolve("small"), 64)) {
      Path repo = fs.mountPoint.resolve("repo");
      HostileRemote.cli("--repo=" + repo, "init", "--mode=archive");
      Path tree = Files.createDirectories(tmp.resolve("tree"));
      byte[] big = new byte[40 << 20];
      new java.util.Random(1).nextBytes(big);
      Files.write(tree.resolve("big"), big);
      dev.treewave.ostree.pull.Cli.ostree(
              "config", "--repo=" + repo, "set", "core.min-free-space-size", "30MB")
          .ok();
      long before = fs.usedBytes();
      ForkedCli.Result r =
          ForkedCli.run(
              tmp, List.of("--repo=" + repo, "commit", "-b", "b", "--tree=dir=" + tree.toString()));
      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.errLines()).hasSize(1);
      assertThat(r.errLines().get(0))
          .contains("min-free-space-size 30MB would be exceeded, at least 41.9 MB requested");
      assertThat(fs.usedBytes() - before).isLessThan(1_000_000);
      dev.treewave.ostree.pull.Cli.ostree(
              "config", "--repo=" + repo, "set", "core.min-free-space-size", "1MB")
          .ok();
      r =
          ForkedCli.run(
              tmp, List.of("--repo=" + repo, "commit", "-b", "b", "--tree=dir=" + tree.toString()));
      assertThat(r.exit()).as(r.err()).isZero();
    }
  }
}
