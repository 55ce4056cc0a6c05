package dev.treewave.ostree.cli.admin;

import dev.treewave.ostree.cli.OstreeCli;
import dev.treewave.ostree.prune.Pruner;
import dev.treewave.ostree.sysroot.RepoTreeSource;
import dev.treewave.ostree.sysroot.SpaceReserve;
import dev.treewave.ostree.sysroot.Sysroot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code treewave-ostree admin …}: the sysroot commands, a thin layer over {@link Sysroot} with
 * {@code ostree admin}'s names and flags.
 */
@Command(
    name = "admin",
    description = "Manage a host system booted with ostree (deployments, boot entries)",
    subcommands = {
      AdminCommands.InitFs.class,
      AdminCommands.OsInit.class,
      AdminCommands.Deploy.class,
      AdminCommands.FinalizeStaged.class,
      AdminCommands.Status.class,
      AdminCommands.Undeploy.class,
      AdminCommands.Pin.class,
      AdminCommands.Rollback.class,
      AdminCommands.Cleanup.class,
      AdminCommands.SetOrigin.class,
      AdminCommands.Kargs.class,
      AdminCommands.ConfigDiff.class
    })
public final class AdminCommand implements Runnable {

  @Option(
      names = "--sysroot",
      paramLabel = "PATH",
      scope = ScopeType.INHERIT,
      description = "The sysroot to operate on (default: /)")
  Path sysroot = Path.of("/");

  @Option(
      names = "--min-free-percent",
      paramLabel = "N",
      scope = ScopeType.INHERIT,
      description = "Refuse to deploy below N%% free space (default: 3)")
  int minFreePercent = 3;

  @Option(
      names = "--min-free-bytes",
      paramLabel = "BYTES",
      scope = ScopeType.INHERIT,
      description = "Refuse to deploy below this many free bytes (default: 0)")
  long minFreeBytes = 0;

  @Override
  public void run() {
    throw new IllegalArgumentException("No admin command specified (try admin --help)");
  }

  /**
   * Runs {@code admin ARGS…} on its own (the same command the root CLI mounts as {@code admin});
   * returns the exit code. Errors are one line on {@code err}.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    String[] withAdmin = new String[args.length + 1];
    withAdmin[0] = "admin";
    System.arraycopy(args, 0, withAdmin, 1, args.length);
    return OstreeCli.run(withAdmin, out, err);
  }

  /**
   * Deletes repository objects that no ref reaches (history depth 0), as {@code ostree admin
   * deploy/cleanup} do; the deployment refs keep every deployed commit.
   */
  void pruneRepository() {
    new Pruner(RepoTreeSource.forSysroot(sysroot).repo())
        .prune(new Pruner.Options(true, 0, Optional.empty(), List.of(), false));
  }

  Sysroot open() {
    return Sysroot.builder(sysroot, RepoTreeSource.forSysroot(sysroot))
        .spaceReserve(new SpaceReserve(minFreeBytes, minFreePercent))
        .build();
  }
}
