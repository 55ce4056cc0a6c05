package dev.treewave.ostree.cli;

import dev.treewave.ostree.repo.OstreeRepo;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code treewave-ostree}: subcommands and flags mirror {@code ostree}'s, so a command line written
 * for one works with the other. Errors are one line on stderr and a non-zero exit.
 */
@Command(
    name = "treewave-ostree",
    mixinStandardHelpOptions = true,
    version = "treewave-ostree 0.1 (compatible with libostree 2022.7)",
    subcommands = {
      InitCommand.class,
      CommitCommand.class,
      CheckoutCommand.class,
      FsckCommand.class,
      LogCommand.class,
      ShowCommand.class,
      LsCommand.class,
      RefsCommand.class,
      PruneCommand.class,
      RevParseCommand.class,
      CatCommand.class,
      DiffCommand.class,
      ResetCommand.class,
      dev.treewave.ostree.sysroot.cli.AdminCommand.class
    })
public final class OstreeCli implements Runnable {
  @Option(
      names = "--repo",
      paramLabel = "PATH",
      scope = ScopeType.INHERIT,
      description = "Path to the OSTree repository (default: $OSTREE_REPO)")
  Path repo;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "No command specified (try --help)");
  }

  OstreeRepo openRepo() {
    return OstreeRepo.open(repoPath());
  }

  Path repoPath() {
    if (repo != null) {
      return repo;
    }
    String env = System.getenv("OSTREE_REPO");
    if (env != null && !env.isEmpty()) {
      return Path.of(env);
    }
    throw new IllegalArgumentException("Command requires a --repo argument");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams; returns the exit code (for tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new OstreeCli());
    dev.treewave.ostree.cli.transport.TransportCommands.register(cl);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          String msg = e.getMessage() == null ? e.toString() : e.getMessage();
          err.println("error: " + msg.lines().findFirst().orElse(msg));
          if (System.getenv("TREEWAVE_DEBUG") != null) {
            e.printStackTrace(err);
          }
          return 1;
        });
    cl.setParameterExceptionHandler(
        (e, a) -> {
          err.println("error: " + e.getMessage());
          return 2;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
