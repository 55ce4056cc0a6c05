package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.checkout.CheckoutOptions;
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
    FastCheckout.checkout(
        repo(), new CheckoutOptions(userMode, subpath, union, requireHardlinks), rev, dest);
    return 0;
  }
}
