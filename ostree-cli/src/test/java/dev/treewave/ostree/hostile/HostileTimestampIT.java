package dev.treewave.ostree.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.pull.TreeFixture;
import dev.treewave.ostree.repo.OstreeRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirror that moves its ref back to an older commit after a newer one was pulled: {@code pull
 * --timestamp-check} (libostree's option) refuses it with one line and leaves the ref where it was;
 * a pinned {@code REF@CHECKSUM} without the option still moves it (a deliberate rollback).
 */
class HostileTimestampIT {
  @TempDir Path tmp;

  @Test
  void anOlderCommitServedUnderTheRefIsRefusedWithTimestampCheck() throws Exception {
    try (HostileRemote remote = HostileRemote.start(tmp)) {
      ObjectId older = remote.honest; // 1_700_000_000
      Files.writeString(tmp.resolve("tree/etc/hostname"), "newer\n");
      ObjectId newer =
          TreeFixture.commit(
              remote.repo, tmp.resolve("tree"), "os", Optional.of(older), 1_700_000_100L);
      Path client = remote.client(tmp.resolve("client"));
      List<String> pull = List.of("--repo=" + client, "pull", "--quiet", "--timestamp-check");
      ForkedCli.Result first = ForkedCli.run(tmp, concat(pull, "origin", "os"));
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(OstreeRepo.open(client).refs().read("origin:os")).contains(newer);

      remote.repo.refs().write("os", older); // the mirror replays the older, valid commit
      ForkedCli.Result replay = ForkedCli.run(tmp, concat(pull, "origin", "os"));
      assertThat(replay.exit()).as(replay.err()).isEqualTo(1);
      assertThat(replay.errLines()).hasSize(1);
      assertThat(replay.errLines().get(0))
          .startsWith("error: Upgrade target revision '" + older.hex())
          .contains("is chronologically older than current revision '" + newer.hex());
      assertThat(OstreeRepo.open(client).refs().read("origin:os")).contains(newer);

      // pinned explicitly (as a GitOps rollback pins), without --timestamp-check: allowed
      ForkedCli.Result pinned =
          ForkedCli.run(
              tmp, List.of("--repo=" + client, "pull", "--quiet", "origin", "os@" + older.hex()));
      assertThat(pinned.exit()).as(pinned.err()).isZero();
      assertThat(OstreeRepo.open(client).refs().read("origin:os")).contains(older);
    }
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }
}
