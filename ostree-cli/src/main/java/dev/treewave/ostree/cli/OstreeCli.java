package dev.treewave.ostree.cli;

import dev.treewave.ostree.cli.admin.AdminCommand;
import dev.treewave.ostree.cli.remote.RemoteCommands;
import dev.treewave.ostree.cli.repo.RepoCommands;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
    // the version string, and -h/--help and --version below, reach every subcommand, nested ones
    // too, as ostree has them (not picocli's -V: ostree admin status -V is --verify)
    scope = ScopeType.INHERIT,
    version = "treewave-ostree 0.1 (compatible with libostree 2022.7)")
public final class OstreeCli implements Runnable {
  /**
   * The core subcommands by name, in help order. Registered programmatically rather than in
   * {@code @Command(subcommands=...)}: picocli reflects over every registered command (and its
   * subcommands) before parsing, which costs a short command like {@code checkout} more CPU than
   * its work, so a command line that names one of these registers only that one.
   */
  static final Map<String, Class<?>> CORE = new LinkedHashMap<>(RepoCommands.BY_NAME);

  static {
    CORE.put("admin", AdminCommand.class);
  }

  @Option(
      names = "--repo",
      paramLabel = "PATH",
      scope = ScopeType.INHERIT,
      description = "Path to the OSTree repository (default: $OSTREE_REPO)")
  Path repo;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "Show help options")
  boolean help;

  @Option(
      names = "--version",
      versionHelp = true,
      scope = ScopeType.INHERIT,
      description = "Print version information and exit")
  boolean version;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "No command specified (try --help)");
  }

  /**
   * Sets {@code --repo} for a command line parsed without picocli ({@code RepoCommands.runFast}).
   */
  public void setRepo(Path repo) {
    this.repo = repo;
  }

  /** The {@code --repo} of the command line; null if it has none. */
  public Path repoOption() {
    return repo;
  }

  /** The repository of {@code --repo} (or {@code $OSTREE_REPO}), for the subcommands. */
  public OstreeRepo openRepo() {
    return OstreeRepo.open(repoPath());
  }

  public Path repoPath() {
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
    // checkout and commit are parsed by hand: a fresh JVM would spend more CPU building picocli's
    // model than checking out a whole tree. Anything unusual falls through to picocli.
    var fast =
        RepoCommands.runFast(
            args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    if (fast.isPresent()) {
      System.exit(fast.getAsInt());
    }
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * A failed command's report: its message's first line after "error: " (the stack trace too with
   * TREEWAVE_DEBUG set); exit code 1. Shared by picocli's handler and the parsers that bypass it.
   */
  public static int reportFailure(Exception e, PrintWriter err) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    err.println("error: " + msg.lines().findFirst().orElse(msg));
    if (System.getenv("TREEWAVE_DEBUG") != null) {
      e.printStackTrace(err);
    }
    return 1;
  }

  /**
   * A command line ostree would refuse: one line, exit code 1 as ostree's (picocli's default is 2).
   * Unknown options and commands are named as ostree names them, an option without its value:
   * {@code --sgin=SECRET} must not print the secret.
   */
  static int reportUsageError(CommandLine.ParameterException e, PrintWriter err) {
    err.println("error: " + usageMessage(e));
    return 1;
  }

  static String usageMessage(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      CommandLine cmd = u.getCommandLine();
      if (first.startsWith("-") && first.length() > 1) {
        int eq = first.indexOf('=');
        return "Unknown option " + (eq > 0 ? first.substring(0, eq) : first);
      }
      if (!cmd.getSubcommands().isEmpty()) {
        return cmd.getParent() == null
            ? "Unknown command '" + first + "'"
            : "Unknown \"" + cmd.getCommandName() + "\" subcommand '" + first + "'";
      }
    }
    return e.getMessage();
  }

  /** The first argument that is not an option of the root command (null if none). */
  static String subcommandName(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--repo")) {
        i++; // its value
      } else if (!a.startsWith("-")) {
        return a;
      } else if (!a.startsWith("--repo=")) {
        return null; // --help, --version or an unknown option: the full command line handles it
      }
    }
    return null;
  }

  /** The command tree for {@code args}: only the named core command, or every command. */
  static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new OstreeCli());
    Class<?> only = CORE.get(subcommandName(args));
    if (only != null) {
      cl.addSubcommand(only);
    } else {
      CORE.values().forEach(cl::addSubcommand);
      RemoteCommands.register(cl);
      cl.addSubcommand(new HelpCommand());
    }
    return cl;
  }

  /** Runs the CLI with the given streams; returns the exit code (for tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> reportFailure(e, err));
    cl.setParameterExceptionHandler((e, a) -> reportUsageError(e, err));
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * Runs one command in this JVM, as {@code bin/treewave-ostree} would, and returns its standard
   * output; for embedding callers (image builders, test fixtures) to whom any failure is fatal.
   *
   * @throws IllegalStateException naming the command line, its exit code and its error output
   */
  public static String runChecked(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    if (code != 0) {
      throw new IllegalStateException(
          "treewave-ostree " + String.join(" ", args) + " exited with " + code + ": " + err);
    }
    return out.toString();
  }

  /**
   * {@code help [CMD [SUBCMD...]]}: the usage {@code CMD [SUBCMD...] --help} prints (ostree has no
   * such command; picocli's own would clash with the inherited {@code -h} and stops at one level).
   */
  @Command(name = "help", description = "Show the help of a command: help [COMMAND [SUBCOMMAND]]")
  static final class HelpCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Parameters(paramLabel = "COMMAND", arity = "0..*")
    java.util.List<String> words = new java.util.ArrayList<>();

    @Override
    public void run() {
      CommandLine target = spec.parent().commandLine();
      for (String w : words) {
        CommandLine sub = target.getSubcommands().get(w);
        if (sub == null) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "Unknown command '" + String.join(" ", words) + "'");
        }
        target = sub;
      }
      target.usage(spec.commandLine().getOut());
    }
  }
}
