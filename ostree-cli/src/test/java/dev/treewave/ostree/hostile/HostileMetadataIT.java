package dev.treewave.ostree.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.repo.OstreeRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A variant type nested 300,000 deep in commit metadata, {@code .commitmeta} or {@code
 * summary.sig}, served over HTTP on 127.0.0.1: our CLI, in a JVM with the agent's flags, fails with
 * one line naming the depth limit, moves no ref, and stays small.
 */
class HostileMetadataIT {
  static final String DEEP_TYPE = "a".repeat(300_000) + "y";

  /** Peak RSS bound for a failed pull in a 64 MiB-heap JVM (the JVM alone is ~60-100 MB). */
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

  private void assertRefusedWithDepthError(Path client, String ref) throws Exception {
    ForkedCli.Result r =
        ForkedCli.run(tmp, List.of("--repo=" + client, "pull", "--quiet", "origin", ref));
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.errLines().get(0)).startsWith("error: ").contains("nested deeper than 128");
    assertThat(r.peakRssKb()).isLessThan(RSS_LIMIT_KB);
    assertThat(OstreeRepo.open(client).refs().read("origin:" + ref)).isEmpty();
    assertThat(Files.exists(client.resolve("refs/remotes/origin/" + ref))).isFalse();
  }

  @Test
  void aDeepTypeInCommitMetadataIsOneLineError() throws Exception {
    byte[] commit =
        remote.commitWithRawMetadata(
            RawGVariant.vardictWithEmptyValueOfType("x", DEEP_TYPE), 1_700_000_100L);
    var id = remote.writeRawObject("commit", commit);
    remote.repo.refs().write("deep", id);
    assertRefusedWithDepthError(remote.client(tmp.resolve("client")), "deep");
  }

  @Test
  void aDeepTypeInDetachedMetadataIsOneLineError() throws Exception {
    remote.writeRawObject(
        remote.honest, "commitmeta", RawGVariant.vardictWithEmptyValueOfType("x", DEEP_TYPE));
    assertRefusedWithDepthError(remote.client(tmp.resolve("client")), "os");
  }

  @Test
  void aDeepTypeInSummarySigIsOneLineError() throws Exception {
    dev.treewave.ostree.summary.SummaryWriter.update(remote.repo, java.util.Map.of());
    remote.writeFile("summary.sig", RawGVariant.vardictWithEmptyValueOfType("x", DEEP_TYPE));
    assertRefusedWithDepthError(remote.client(tmp.resolve("client")), "os");
  }

  @Test
  void theHonestCommitStillPulls() throws Exception {
    Path client = remote.client(tmp.resolve("client"));
    ForkedCli.Result r =
        ForkedCli.run(tmp, List.of("--repo=" + client, "pull", "--quiet", "origin", "os"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(OstreeRepo.open(client).refs().read("origin:os")).contains(remote.honest);
  }
}
