package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.cli.OstreeCli;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/** The commands that work on one repository, for registration in the root command. */
public final class RepoCommands {
  /** By name, in help order. */
  public static final Map<String, Class<?>> BY_NAME;

  static {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("init", InitCommand.class);
    m.put("commit", CommitCommand.class);
    m.put("checkout", CheckoutCommand.class);
    m.put("fsck", FsckCommand.class);
    m.put("log", LogCommand.class);
    m.put("show", ShowCommand.class);
    m.put("ls", LsCommand.class);
    m.put("refs", RefsCommand.class);
    m.put("prune", PruneCommand.class);
    m.put("rev-parse", RevParseCommand.class);
    m.put("cat", CatCommand.class);
    m.put("diff", DiffCommand.class);
    m.put("reset", ResetCommand.class);
    BY_NAME = Collections.unmodifiableMap(m);
  }

  private RepoCommands() {}

  /**
   * Runs {@code args} without picocli if it is a checkout or commit command line the hand-written
   * parsers understand ({@link FastCheckout}, {@link FastCommit}): a fresh JVM would spend more CPU
   * building picocli's model than checking out a whole tree. Empty for anything else, which {@link
   * OstreeCli} then parses.
   */
  public static OptionalInt runFast(String[] args, PrintWriter out, PrintWriter err) {
    var checkout = FastCheckout.parse(args);
    if (checkout.isPresent()) {
      return OptionalInt.of(FastCheckout.run(checkout.get(), err));
    }
    var commit = FastCommit.parse(args);
    if (commit.isPresent()) {
      return OptionalInt.of(FastCommit.run(commit.get(), out, err));
    }
    return OptionalInt.empty();
  }
}
