package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.inspect.TreeDiff;
import dev.treewave.ostree.repo.OstreeRepo;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "diff", description = "Compare two commits (or a commit with its parent)")
final class DiffCommand extends RepoCommand {
  @Parameters(arity = "1..2", paramLabel = "REV")
  List<String> revs = new ArrayList<>();

  @Override
  int execute() {
    OstreeRepo repo = repo();
    ObjectId from;
    ObjectId to;
    if (revs.size() == 1) {
      to = repo.resolveRev(revs.get(0));
      from = repo.resolveRev(revs.get(0) + "^");
    } else {
      from = repo.resolveRev(revs.get(0));
      to = repo.resolveRev(revs.get(1));
    }
    new TreeDiff(repo).diff(from, to).forEach(out()::println);
    return 0;
  }
}
