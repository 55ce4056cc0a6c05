package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.prune.Pruner;
import dev.treewave.ostree.repo.OstreeRepo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "prune", description = "Delete unreachable objects")
final class PruneCommand extends RepoCommand {
  @Option(names = "--refs-only", description = "Only keep commits reachable from refs")
  boolean refsOnly;

  @Option(
      names = "--depth",
      defaultValue = "-1",
      description = "History depth to keep per ref (-1: all)")
  int depth;

  @Option(names = "--keep-younger-than", paramLabel = "DATE")
  String keepYoungerThan;

  @Option(names = "--delete-commit", paramLabel = "COMMIT")
  List<String> deleteCommits = new ArrayList<>();

  @Option(names = "--no-prune", description = "Only report what would be deleted")
  boolean noPrune;

  @Override
  int execute() {
    OstreeRepo repo = repo();
    List<ObjectId> del = new ArrayList<>();
    for (String c : deleteCommits) {
      ObjectId id = repo.resolveRev(c);
      if (repo.refs().list().containsValue(id)) {
        throw new IllegalArgumentException(
            "Commit '" + c + "' is referenced by a ref; delete the ref first");
      }
      del.add(id);
    }
    boolean refs = refsOnly || keepYoungerThan != null || depth >= 0;
    Optional<Long> keep = Optional.ofNullable(keepYoungerThan).map(TimeParser::parseEpochSeconds);
    Pruner.Result r = new Pruner(repo).prune(new Pruner.Options(refs, depth, keep, del, noPrune));
    out().println("Total objects: " + r.totalObjects());
    if (r.deleted() == 0) {
      out().println("No unreachable objects");
    } else if (noPrune) {
      out().println("Would delete: " + r.deleted() + " objects");
    } else {
      out().println("Deleted " + r.deleted() + " objects, " + r.bytesFreed() + " bytes freed");
    }
    return 0;
  }
}
