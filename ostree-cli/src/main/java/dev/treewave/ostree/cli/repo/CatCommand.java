package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.inspect.TreeListing;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.OutputStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cat", description = "Concatenate contents of files")
final class CatCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "COMMIT")
  String rev;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH")
  List<String> paths;

  @Override
  int execute() throws Exception {
    OstreeRepo repo = repo();
    var id = repo.resolveRev(rev);
    out().flush();
    OutputStream raw = System.out;
    for (String p : paths) {
      TreeListing.Node n = TreeListing.resolve(repo, id, p);
      if (n.isDirectory()) {
        throw new IllegalArgumentException(p + " is a directory");
      }
      try (ContentObject c = repo.openContent(n.file())) {
        c.content().transferTo(raw);
      }
    }
    raw.flush();
    return 0;
  }
}
