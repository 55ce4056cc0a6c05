package dev.treewave.ostree.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content is compressed while the scan still runs, so a scan that fails part-way leaves workers
 * busy: the commit must still fail cleanly, with nothing stored and nothing left in tmp/.
 */
class TreeCommitterTest {
  @TempDir Path tmp;

  @Test
  void aScanFailingWhileWorkersRunStoresNothing() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Random r = new Random(7);
    // Big, incompressible files first in the walk keep both workers busy when the scan fails.
    for (int i = 0; i < 40; i++) {
      byte[] b = new byte[512 * 1024];
      r.nextBytes(b);
      Files.write(tree.resolve("a" + i), b);
    }
    Path zz = Files.createDirectories(tree.resolve("zz"));
    Processes.check(
        new ProcessBuilder("mkfifo", zz.resolve("pipe").toString()), Duration.ofMinutes(1));
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("repo"), RepoMode.ARCHIVE);

    assertThatThrownBy(
            () ->
                new TreeCommitter(
                        repo, CommitOptions.builder().branch("b").tree(tree).threads(2).build())
                    .commit())
        .isInstanceOf(OstreeException.class)
        .hasMessageContaining("Unsupported file type")
        .hasMessageContaining("pipe");

    try (Stream<Path> objects = Files.walk(tmp.resolve("repo/objects"))) {
      assertThat(objects.filter(Files::isRegularFile)).isEmpty();
    }
    try (Stream<Path> leftovers = Files.list(tmp.resolve("repo/tmp"))) {
      assertThat(leftovers.filter(f -> !f.getFileName().toString().startsWith("cache"))).isEmpty();
    }
    assertThat(repo.refs().list()).isEmpty();
  }

  @Test
  void bigFilesGoFirstLargestFirstThenEverythingInSubmissionOrder() {
    Runnable none = () -> {};
    long big = ContentImporter.BIG_FILE;
    java.util.List<ContentImporter.Ranked> queued =
        new java.util.ArrayList<>(
            java.util.List.of(
                new ContentImporter.Ranked(10, 0, none),
                new ContentImporter.Ranked(big, 1, none),
                new ContentImporter.Ranked(big - 1, 2, none),
                new ContentImporter.Ranked(50 * big, 3, none),
                new ContentImporter.Ranked(0, 4, none),
                new ContentImporter.Ranked(5, 5, none)));
    java.util.Collections.shuffle(queued, new Random(1));
    java.util.Collections.sort(queued);
    assertThat(queued)
        .extracting(ContentImporter.Ranked::seq)
        .containsExactly(3L, 1L, 0L, 2L, 4L, 5L);
  }

  @Test
  void everyQueuedFileIsStoredOnce() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    for (int i = 0; i < 300; i++) {
      Files.write(tree.resolve("f" + i), ("file " + i).repeat(i + 1).getBytes());
    }
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("repo"), RepoMode.ARCHIVE);
    CommitResult res =
        new TreeCommitter(repo, CommitOptions.builder().branch("b").tree(tree).threads(2).build())
            .commit();
    assertThat(res.filesScanned()).isEqualTo(300);
    try (Stream<Path> objects = Files.walk(tmp.resolve("repo/objects"))) {
      assertThat(objects.filter(f -> f.toString().endsWith(".filez"))).hasSize(300);
    }
  }
}
