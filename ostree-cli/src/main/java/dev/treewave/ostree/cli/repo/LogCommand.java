package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.inspect.CommitPrinter;
import dev.treewave.ostree.repo.OstreeRepo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "log", description = "Show the history of a ref or commit")
final class LogCommand extends RepoCommand {
  @Parameters(paramLabel = "REV")
  String rev;

  @Override
  int execute() {
    OstreeRepo repo = repo();
    out().print(CommitPrinter.log(repo, repo.resolveRev(rev)));
    return 0;
  }
}
