package dev.treewave.ostree.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.summary.Summary;
import dev.treewave.ostree.summary.SummaryRef;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libostree's 10 MB summary limit, over HTTP on 127.0.0.1, in a JVM with the agent's flags: a
 * larger summary is refused while it is being read (one line, no ref, bounded RSS); one just under
 * the limit with ~140,000 refs still pulls.
 */
class HostileSummaryIT {
  static final long LIMIT = 10L * 1024 * 1024;
  static final long RSS_LIMIT_KB = 250_000;

  @TempDir Path tmp;
  HostileRemote remote;

  @BeforeEach
  void setUp() throws Exception {
    remote = HostileRemote.start(tmp);
  }

  @AfterEach
  void tearDown() {
    remote.close();
  }

  @Test
  void aSummaryOverTenMegabytesIsRefusedWhileReadingIt() throws Exception {
    // 2 GiB, sparse: a server could stream it for ever; the client stops at the limit
    try (RandomAccessFile f = new RandomAccessFile(remote.src.resolve("summary").toFile(), "rw")) {
      f.setLength(2L << 30);
    }
    Path client = remote.client(tmp.resolve("client"));
    ForkedCli.Result r =
        ForkedCli.run(tmp, List.of("--repo=" + client, "pull", "--quiet", "origin", "os"));
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.errLines().get(0))
        .startsWith("error: summary from ")
        .contains("larger than the limit of " + LIMIT + " bytes");
    assertThat(r.peakRssKb()).isLessThan(RSS_LIMIT_KB);
    assertThat(r.seconds()).isLessThan(30);
    assertThat(OstreeRepo.open(client).refs().read("origin:os")).isEmpty();
  }

  @Test
  void aSummaryJustUnderTheLimitWithManyRefsStillPullsInASmallHeap() throws Exception {
    // every ref has the same size: aim just under the limit from two small samples
    int perRef = summaryOf(2000).length - summaryOf(1000).length;
    int n = (int) ((LIMIT - summaryOf(1000).length) / (perRef / 1000.0)) + 1000 - 2000;
    byte[] bytes = summaryOf(n);
    while (bytes.length > LIMIT) {
      bytes = summaryOf(n -= 500);
    }
    assertThat(bytes.length).isGreaterThan((int) (LIMIT - LIMIT / 20));
    Files.write(remote.src.resolve("summary"), bytes);
    Path client = remote.client(tmp.resolve("client"));
    ForkedCli.Result r =
        ForkedCli.run(tmp, List.of("--repo=" + client, "pull", "--quiet", "origin", "os"));
    System.out.printf(
        "summary of %d bytes: exit %d, peak RSS %d KB, %.1f s%n",
        bytes.length, r.exit(), r.peakRssKb(), r.seconds());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(OstreeRepo.open(client).refs().read("origin:os")).contains(remote.honest);
  }

  private byte[] summaryOf(int n) {
    List<SummaryRef> refs = new ArrayList<>();
    refs.add(new SummaryRef("os", 0, remote.honest, Map.of()));
    for (int i = 0; i < n; i++) {
      refs.add(
          new SummaryRef(
              String.format("pad/%07d", i),
              1000,
              ObjectId.sha256(new byte[] {(byte) i}),
              Map.of()));
    }
    return new Summary(refs, Map.of()).serialize();
  }
}
