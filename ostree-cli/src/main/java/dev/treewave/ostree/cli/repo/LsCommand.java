package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.inspect.TreeListing;
import dev.treewave.ostree.repo.OstreeRepo;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ls", description = "List files in a commit")
final class LsCommand extends RepoCommand {
  @Option(names = {"-R", "--recursive"})
  boolean recursive;

  @Option(names = {"-C", "--checksum"})
  boolean checksum;

  @Option(names = {"-X", "--xattrs"})
  boolean xattrs;

  @Parameters(index = "0", paramLabel = "COMMIT")
  String rev;

  @Parameters(index = "1..*", paramLabel = "PATH")
  List<String> paths = new ArrayList<>();

  @Override
  int execute() {
    OstreeRepo repo = repo();
    ObjectId id = repo.resolveRev(rev);
    TreeListing l = new TreeListing(repo, recursive, checksum, xattrs);
    for (String p : paths.isEmpty() ? List.of("/") : paths) {
      l.list(id, p).forEach(out()::println);
    }
    return 0;
  }
}
