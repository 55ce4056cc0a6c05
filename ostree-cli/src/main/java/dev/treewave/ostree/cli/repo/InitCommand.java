package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", description = "Initialize a new empty repository")
final class InitCommand extends RepoCommand {
  @Option(
      names = "--mode",
      defaultValue = "bare",
      description = "bare, bare-user, bare-user-only, archive")
  String mode;

  @Option(names = "--collection-id", description = "Globally unique ID for this repository")
  String collectionId;

  @Override
  int execute() {
    OstreeRepo.init(cli.repoPath(), RepoMode.parse(mode), Optional.ofNullable(collectionId));
    return 0;
  }
}
