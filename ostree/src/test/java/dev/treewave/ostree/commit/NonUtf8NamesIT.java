package dev.treewave.ostree.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.pull.Cli;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real ostree refuses to commit a name that is not UTF-8; ours refuses it the same way. */
class NonUtf8NamesIT {
  @TempDir Path tmp;

  @Test
  void bothRefuseToCommitANameThatIsNotUtf8() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Cli.run(
            List.of(
                "sh",
                "-c",
                "printf 'x\\n' > \"$1/$(printf 'bad\\377.conf')\"",
                "sh",
                tree.toString()),
            Map.of())
        .ok();
    Path theirs = tmp.resolve("theirs");
    Cli.ostree("init", "--repo=" + theirs, "--mode=archive").ok();
    Cli.Result r = Cli.ostree("commit", "--repo=" + theirs, "-b", "b", "--tree=dir=" + tree);
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("Invalid UTF-8 in filename bad");
    assertThat(Cli.ostree("refs", "--repo=" + theirs).ok().out()).isEmpty();

    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.ARCHIVE);
    assertThatThrownBy(
            () ->
                new TreeCommitter(ours, CommitOptions.builder().branch("b").tree(tree).build())
                    .commit())
        .isInstanceOf(OstreeException.class)
        .hasMessageStartingWith("Invalid UTF-8 in filename /bad");
    assertThat(ours.refs().list()).isEmpty();
  }
}
