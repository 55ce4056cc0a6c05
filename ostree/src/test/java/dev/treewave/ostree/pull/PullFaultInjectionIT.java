package dev.treewave.ostree.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.testing.http.StaticRepoServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fault injection: a server that cuts transfers and fails requests at random. */
class PullFaultInjectionIT {
  @TempDir Path tmp;
  OstreeRepo src;
  StaticRepoServer server;

  @BeforeEach
  void setUp() throws Exception {
    src = OstreeRepo.init(tmp.resolve("src"), RepoMode.ARCHIVE);
    server = StaticRepoServer.start(src.path(), new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private static PullOptions opts(String... refs) {
    return PullOptions.of("origin", List.of(refs), VerificationPolicy.NONE);
  }

  @Test
  void randomConnectionDropsOnAMultiThousandObjectPullStillComplete() throws Exception {
    TreeFixture.manyFiles(tmp.resolve("many"), 3000, 7);
    ObjectId big =
        TreeFixture.commit(src, tmp.resolve("many"), "big", Optional.empty(), 1_700_000_200L);
    AtomicInteger n = new AtomicInteger();
    java.util.Random rnd = new java.util.Random(1);
    server.setFaultInjector(
        p -> {
          synchronized (rnd) {
            int x = rnd.nextInt(100);
            if (x < 5) {
              n.incrementAndGet();
              return StaticRepoServer.Fault.DROP_MIDWAY;
            }
            if (x < 8) {
              n.incrementAndGet();
              return StaticRepoServer.Fault.SERVER_ERROR;
            }
            return StaticRepoServer.Fault.NONE;
          }
        });
    OstreeRepo dst = OstreeRepo.init(tmp.resolve("dst"), RepoMode.BARE_USER);
    HttpTransport http =
        new HttpTransport(
            server.url(), 8, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(60));
    PullResult r;
    try (ObjectSource s = new ArchiveSource(http)) {
      r = new Puller(dst).pull(s, opts("big").withParallelism(8));
    }
    assertThat(n.get()).isGreaterThan(50);
    assertThat(http.retriedAttempts()).isGreaterThanOrEqualTo(n.get() - 5);
    assertThat(r.stats().contentFetched()).isEqualTo(3000);
    assertThat(RepoReader.snapshot(dst, big)).isEqualTo(RepoReader.snapshot(src, big));
  }
}
