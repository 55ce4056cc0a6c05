package dev.treewave.ostree.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.cli.OstreeCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The picocli-free commit parser must fill exactly what picocli fills, or step aside. */
class FastCommitTest {
  @TempDir Path tmp;

  /** Every field picocli sets on a commit command line, as one comparable value. */
  static List<Object> fields(OstreeCli root, CommitCommand c) {
    return List.of(
        Objects.toString(root.repoOption()),
        Objects.toString(c.branch),
        Objects.toString(c.subject),
        Objects.toString(c.body),
        List.copyOf(c.trees),
        Objects.toString(c.timestamp),
        List.copyOf(c.metaStrings),
        List.copyOf(c.metas),
        Objects.toString(c.parent),
        List.of(c.orphan, c.canonical, c.noXattrs, c.skipIfUnchanged, c.noBindings),
        List.of(c.generateSizes, Objects.toString(c.ownerUid), Objects.toString(c.ownerGid)),
        Objects.toString(c.statOverride) + Objects.toString(c.skipList),
        Objects.toString(c.path));
  }

  static List<Object> byPicocli(String... args) {
    OstreeCli root = new OstreeCli();
    CommandLine cl = new CommandLine(root);
    cl.addSubcommand(CommitCommand.class);
    CommandLine.ParseResult parsed = cl.parseArgs(args);
    return fields(root, (CommitCommand) parsed.subcommand().commandSpec().userObject());
  }

  static List<Object> byFastCommit(String... args) {
    CommitCommand c = FastCommit.parse(args).orElseThrow();
    return fields(c.cli, c);
  }

  @Test
  void fillsTheSameFieldsAsPicocli() {
    List<String[]> lines =
        List.of(
            new String[] {
              "commit",
              "--repo=/r",
              "-b",
              "bench",
              "--tree=dir=/t",
              "--timestamp=2020-01-01",
              "-s",
              "bench"
            },
            new String[] {"--repo", "/r", "commit", "--branch", "os/x", "/tree"},
            new String[] {
              "commit",
              "--orphan",
              "--subject=",
              "--body=a=b",
              "--tree=tar=/a.tar",
              "--tree=dir=/b",
              "--add-metadata-string=version=1",
              "--add-metadata-string",
              "k=v",
              "--add-metadata=n=int64 -2",
              "--parent=none",
              "--canonical-permissions",
              "--no-xattrs",
              "--skip-if-unchanged",
              "--no-bindings",
              "--generate-sizes",
              "--owner-uid=0",
              "--owner-gid",
              "1000"
            },
            new String[] {"commit", "-m", "body", "commit"},
            new String[] {"commit"});
    for (String[] line : lines) {
      assertThat(byFastCommit(line)).as(String.join(" ", line)).isEqualTo(byPicocli(line));
    }
  }

  @Test
  void leavesEverythingElseToPicocli() {
    for (String[] line :
        List.of(
            new String[] {"checkout", "--repo=/r", "x"},
            new String[] {"commit", "--help"},
            new String[] {"commit", "-bx"},
            new String[] {"commit", "-b=x"},
            new String[] {"commit", "-b", "x", "--branch=y"},
            new String[] {"commit", "-s", "-x"},
            new String[] {"commit", "-b"},
            new String[] {"commit", "--orphan=true"},
            new String[] {"commit", "--owner-uid=010"},
            new String[] {"commit", "--owner-uid=-1"},
            new String[] {"commit", "--statoverride=/f", "-b", "x"},
            new String[] {"commit", "--bogus"},
            new String[] {"commit", "a", "b"},
            new String[] {"commit", "--", "a"},
            new String[] {"-b", "x", "commit"},
            new String[] {"--repo=/a", "commit", "--repo=/b"},
            new String[] {"--version"},
            new String[] {})) {
      assertThat(FastCommit.parse(line)).as(String.join(" ", line)).isEmpty();
    }
  }

  @Test
  void commitsLikeThePicocliCommandAndFailsWithOneLine() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
    Files.writeString(tree.resolve("a"), "A");
    String repo = "--repo=" + tmp.resolve("repo");
    StringWriter sink = new StringWriter();
    PrintWriter quiet = new PrintWriter(sink);
    assertThat(OstreeCli.run(new String[] {"init", repo, "--mode=archive"}, quiet, quiet)).isZero();
    String[] line = {
      "commit",
      repo,
      "-b",
      "x",
      "--parent=none", // both runs then write the same commit
      "--tree=dir=" + tmp.resolve("tree"),
      "--timestamp=2020-01-01"
    };

    StringWriter fastOut = new StringWriter();
    assertThat(
            FastCommit.run(FastCommit.parse(line).orElseThrow(), new PrintWriter(fastOut), quiet))
        .isZero();
    StringWriter picocliOut = new StringWriter();
    assertThat(OstreeCli.run(line, new PrintWriter(picocliOut), quiet)).isZero();
    assertThat(fastOut.toString()).matches("[0-9a-f]{64}\n").isEqualTo(picocliOut.toString());
    assertThat(sink.toString()).isEmpty();

    StringWriter err = new StringWriter();
    String[] noBranch = {"commit", repo, "--tree=dir=" + tmp.resolve("tree")};
    assertThat(
            FastCommit.run(FastCommit.parse(noBranch).orElseThrow(), quiet, new PrintWriter(err)))
        .isEqualTo(1);
    assertThat(err.toString()).startsWith("error: A branch must be specified").hasLineCount(1);
  }
}
