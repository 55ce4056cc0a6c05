package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.fsck.Fsck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "fsck", description = "Check the repository for consistency")
final class FsckCommand extends RepoCommand {
  @Option(names = {"-q", "--quiet"})
  boolean quiet;

  @Override
  int execute() {
    Fsck.Report r = new Fsck(repo()).run();
    if (!quiet) {
      out().println("Validating refs...");
      out().println("Enumerating objects...");
      out().println("Verifying content integrity of " + r.commits() + " commit objects...");
    }
    for (String e : r.errors()) {
      err().println("error: " + e);
    }
    if (!r.ok()) {
      throw new IllegalStateException(r.errors().size() + " fsck errors found");
    }
    if (!quiet) {
      out()
          .println(
              "object fsck of "
                  + r.commits()
                  + " commits completed successfully - no errors found.");
      if (r.partialCommits() > 0) {
        out().println(r.partialCommits() + " partial commits not verified");
      }
    }
    return 0;
  }
}
