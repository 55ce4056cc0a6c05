package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.inspect.CommitPrinter;
import dev.treewave.ostree.inspect.GVariantText;
import dev.treewave.ostree.repo.OstreeRepo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Show a commit")
final class ShowCommand extends RepoCommand {
  @Option(names = "--print-metadata-key")
  String key;

  @Option(names = "--print-detached-metadata-key")
  String detachedKey;

  @Parameters(paramLabel = "REV")
  String rev;

  @Override
  int execute() {
    OstreeRepo repo = repo();
    ObjectId id = repo.resolveRev(rev);
    Commit c = repo.readCommit(id);
    if (key != null) {
      GVariant v = c.metadata().get(key);
      if (v == null) {
        throw new IllegalArgumentException("No such metadata key '" + key + "'");
      }
      out().println(GVariantText.print(v));
      return 0;
    }
    if (detachedKey != null) {
      GVariant v =
          repo.readCommitMeta(id)
              .map(m -> m.get(detachedKey))
              .orElseThrow(
                  () -> new IllegalArgumentException("No such metadata key '" + detachedKey + "'"));
      out().println(GVariantText.print(v));
      return 0;
    }
    out().print(CommitPrinter.show(id, c));
    return 0;
  }
}
