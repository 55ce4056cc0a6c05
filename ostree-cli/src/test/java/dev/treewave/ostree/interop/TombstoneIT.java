package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.cli.OstreeCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tombstone commits: with {@code core.tombstone-commits=true}, deleting a commit (prune
 * --delete-commit, or a --refs-only prune that drops history) leaves the same {@code
 * .tombstone-commit} object as ostree 2022.7, and ostree accepts our repository afterwards.
 */
class TombstoneIT {
  @TempDir Path tmp;
  final OstreeCliRunner ostree = new OstreeCliRunner();

  private String ours(String... args) {
    return OstreeCli.runChecked(args).strip();
  }

  @Test
  void deletedCommitsLeaveTheSameTombstonesAsOstree() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("t"));
    Files.writeString(tree.resolve("a"), "a");
    Path theirs = tmp.resolve("theirs");
    Path mine = tmp.resolve("mine");
    ostree.ok(tmp, "init", "--repo=" + theirs, "--mode=archive");
    ours("init", "--repo=" + mine, "--mode=archive");
    for (Path r : new Path[] {theirs, mine}) {
      ostree.ok(tmp, "config", "--repo=" + r, "set", "core.tombstone-commits", "true");
    }
    String[] ids = new String[3];
    for (int i = 0; i < 3; i++) {
      Files.writeString(tree.resolve("f" + i), "v" + i);
      String[] args = {
        "commit", "-b", "x", "--tree=dir=" + tree, "--timestamp=2020-01-0" + (i + 1), "-s", "c" + i
      };
      ids[i] = ostree.ok(tmp, prepend("--repo=" + theirs, args)).strip();
      assertThat(ours(prepend("--repo=" + mine, args))).isEqualTo(ids[i]);
    }

    ostree.ok(tmp, "prune", "--repo=" + theirs, "--delete-commit=" + ids[0]);
    ours("prune", "--repo=" + mine, "--delete-commit=" + ids[0]);
    Path stone =
        Path.of("objects", ids[0].substring(0, 2), ids[0].substring(2) + ".tombstone-commit");
    assertThat(mine.resolve(stone)).exists();
    assertThat(Files.readAllBytes(mine.resolve(stone)))
        .isEqualTo(Files.readAllBytes(theirs.resolve(stone)));

    // History dropped by a refs-only prune: the same objects (tombstones included) remain.
    ostree.ok(tmp, "prune", "--repo=" + theirs, "--refs-only", "--depth=0");
    ours("prune", "--repo=" + mine, "--refs-only", "--depth=0");
    assertThat(TreeFixtures.describeObjects(mine))
        .containsExactlyElementsOf(TreeFixtures.describeObjects(theirs));
    assertThat(ostree.ok(tmp, "fsck", "--repo=" + mine)).contains("no errors found");
    assertThat(ostree.ok(tmp, "log", "--repo=" + mine, "x")).contains("c2");
  }

  private static String[] prepend(String first, String[] rest) {
    String[] a = new String[rest.length + 1];
    a[0] = rest[0];
    a[1] = first;
    System.arraycopy(rest, 1, a, 2, rest.length - 1);
    return a;
  }
}
