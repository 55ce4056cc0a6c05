package dev.treewave.ostree.cli.repo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rev-parse", description = "Output the target of a rev")
final class RevParseCommand extends RepoCommand {
  @Parameters(paramLabel = "REV")
  String rev;

  @Override
  int execute() {
    out().println(repo().resolveRev(rev).hex());
    return 0;
  }
}
