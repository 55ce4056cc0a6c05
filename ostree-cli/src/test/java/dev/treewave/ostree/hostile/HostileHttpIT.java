package dev.treewave.ostree.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow, silent and corrupt servers on 127.0.0.1 against our CLI in a JVM with the agent's flags: a
 * trickled body trips the low-speed limit, a silent server the same window, a steady but endless
 * body the request deadline, each in bounded time with one line and no ref; corrupt data (content
 * longer than declared, a checksum mismatch, a missing object) is fetched once, not retried.
 */
class HostileHttpIT {
  @TempDir Path tmp;
  HostileRemote remote;
  ObjectId blob;
  String blobPath;

  @BeforeEach
  void setUp() throws Exception {
    remote = HostileRemote.start(tmp);
    blob = remote.blobFile();
    blobPath = HostileRemote.objectPath(blob, "filez");
  }

  @AfterEach
  void tearDown() {
    remote.close();
  }

  private ForkedCli.Result pull(String url, String... options) throws Exception {
    Path client = HostileRemote.client(tmp.resolve("client"), url);
    List<String> args = new ArrayList<>(List.of("--repo=" + client, "pull", "--quiet"));
    args.addAll(List.of(options));
    args.addAll(List.of("origin", "os"));
    ForkedCli.Result r = ForkedCli.run(tmp, args);
    System.out.printf(
        "exit %d in %.1f s, RSS %d KB: %s%n", r.exit(), r.seconds(), r.peakRssKb(), r.err());
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.errLines().get(0)).startsWith("error: ");
    assertThat(OstreeRepo.open(client).refs().read("origin:os")).isEmpty();
    return r;
  }

  private MisbehavingServer serving(MisbehavingServer.Behaviour forBlob) throws Exception {
    return new MisbehavingServer(
        remote.src, p -> p.endsWith(blobPath) ? forBlob : new MisbehavingServer.Behaviour.Normal());
  }

  @Test
  void aTrickledBodyTripsTheLowSpeedLimit() throws Exception {
    try (MisbehavingServer s =
        serving(new MisbehavingServer.Behaviour.Trickle(Duration.ofMillis(500)))) {
      ForkedCli.Result r = pull(s.url(), "--low-speed-time-seconds=3", "--network-retries=1");
      assertThat(r.err()).contains("below the low-speed limit of 1000 bytes/s");
      assertThat(r.seconds()).isLessThan(30);
      assertThat(s.requestsFor(blobPath)).isEqualTo(2); // a slow network is retried
    }
  }

  @Test
  void aBodyTrickledOneByteEveryFiveSecondsEndsInBoundedTime() throws Exception {
    try (MisbehavingServer s =
        serving(new MisbehavingServer.Behaviour.Trickle(Duration.ofSeconds(5)))) {
      ForkedCli.Result r = pull(s.url(), "--low-speed-time-seconds=2", "--network-retries=1");
      assertThat(r.err()).contains("no data from the server for 2000 ms");
      assertThat(r.seconds()).isLessThan(30);
    }
  }

  @Test
  void aSilentServerEndsInBoundedTime() throws Exception {
    try (MisbehavingServer s = serving(new MisbehavingServer.Behaviour.Silent())) {
      ForkedCli.Result r = pull(s.url(), "--low-speed-time-seconds=2", "--network-retries=1");
      assertThat(r.err()).contains("no data from the server for 2000 ms");
      assertThat(r.seconds()).isLessThan(30);
      assertThat(s.requestsFor(blobPath)).isEqualTo(2);
    }
  }

  @Test
  void headersTrickledByteByByteEndInBoundedTime() throws Exception {
    try (MisbehavingServer s =
        serving(new MisbehavingServer.Behaviour.TrickleHeaders(Duration.ofMillis(200)))) {
      ForkedCli.Result r = pull(s.url(), "--low-speed-time-seconds=2", "--network-retries=1");
      assertThat(r.err()).contains("HTTP response headers not complete after 2000 ms");
      assertThat(r.seconds()).isLessThan(30);
    }
  }

  @Test
  void aSteadyButEndlessTransferHitsTheRequestDeadline() throws Exception {
    try (MisbehavingServer s =
        serving(new MisbehavingServer.Behaviour.Trickle(Duration.ofMillis(20)))) {
      ForkedCli.Result r =
          pull(
              s.url(),
              "--low-speed-limit-bytes=1",
              "--low-speed-time-seconds=2",
              "--request-timeout-seconds=3",
              "--network-retries=0");
      assertThat(r.err()).contains("took longer than the request deadline of 3 s");
      assertThat(r.seconds()).isLessThan(30);
    }
  }

  @Test
  void contentLongerThanDeclaredIsFetchedOnce() throws Exception {
    remote.replaceWithFilezBomb(blob, 300_000, 400_000);
    ForkedCli.Result r = pull(remote.server.url());
    assertThat(r.err()).contains("content is longer than the size in its header");
    assertThat(requests(blobPath)).isEqualTo(1);
  }

  @Test
  void aChecksumMismatchIsFetchedOnce() throws Exception {
    remote.replaceWithFilezBomb(blob, 300_000, 300_000); // right size, wrong bytes
    ForkedCli.Result r = pull(remote.server.url());
    assertThat(r.err()).contains(blob.hex()).contains("hashes to");
    assertThat(requests(blobPath)).isEqualTo(1);
  }

  @Test
  void aMissingObjectIsFetchedOnce() throws Exception {
    Files.delete(remote.src.resolve(blobPath));
    ForkedCli.Result r = pull(remote.server.url());
    assertThat(r.err()).contains(blob.hex()).contains("not found");
    assertThat(requests(blobPath)).isEqualTo(1);
  }

  private long requests(String path) {
    return remote.server.requests().stream().filter(q -> q.path().endsWith(path)).count();
  }
}
