package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.OstreeRepo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "reset", description = "Reset a REF to a previous COMMIT")
final class ResetCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "REF")
  String ref;

  @Parameters(index = "1", paramLabel = "COMMIT")
  String target;

  @Override
  int execute() {
    OstreeRepo repo = repo();
    if (repo.refs().read(ref).isEmpty()) {
      throw new IllegalArgumentException("Refspec '" + ref + "' not found");
    }
    ObjectId id = repo.resolveRev(target);
    if (!repo.hasObject(ObjectType.COMMIT, id)) {
      throw new IllegalArgumentException("Commit " + id + " not found");
    }
    repo.refs().write(ref, id);
    return 0;
  }
}
