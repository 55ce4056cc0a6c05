package dev.treewave.ostree.cli;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.repo.OstreeRepo;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "checkout", description = "Check out a commit into a filesystem tree")
final class CheckoutCommand extends RepoCommand {
  @Option(names = {"-U", "--user-mode"})
  boolean userMode;

  @Option(names = "--subpath")
  String subpath;

  @Option(names = "--union")
  boolean union;

  @Option(names = {"-H", "--require-hardlinks"})
  boolean requireHardlinks;

  @Parameters(index = "0", paramLabel = "COMMIT")
  String rev;

  @Parameters(index = "1", arity = "0..1", paramLabel = "DESTINATION")
  Path dest;

  @Override
  int execute() {
    OstreeRepo repo = repo();
    Path target = dest != null ? dest : Path.of(rev.substring(rev.lastIndexOf('/') + 1));
    new Checkout(repo, new CheckoutOptions(userMode, subpath, union, requireHardlinks))
        .checkout(rev, target);
    return 0;
  }
}
