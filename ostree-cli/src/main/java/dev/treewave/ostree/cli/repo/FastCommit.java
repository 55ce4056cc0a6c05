package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.cli.OstreeCli;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code commit} without picocli, for the same reason as {@link FastCheckout}: building picocli's
 * model of {@link CommitCommand}'s options takes a fresh JVM about 0.1 s, all of it before the
 * first file can be hashed. This fills the very fields picocli would and runs the same {@link
 * CommitCommand#execute()}. It understands only the plain forms ({@code --opt=VALUE}, {@code --opt
 * VALUE}, {@code -b VALUE}); anything else (help, bundled or attached short options, a repeated
 * single-valued option, a value that looks like an option, {@code --statoverride}, {@code
 * --skip-list}, an unknown option, a malformed number) returns empty and picocli handles the
 * command line, so its behaviour and error messages stay those of {@link CommitCommand}. This class
 * must not touch picocli.
 */
final class FastCommit {
  private static final Set<String> FLAGS =
      Set.of(
          "--orphan",
          "--canonical-permissions",
          "--no-xattrs",
          "--skip-if-unchanged",
          "--no-bindings",
          "--generate-sizes");
  private static final Set<String> VALUED =
      Set.of(
          "--repo",
          "-b",
          "--branch",
          "-s",
          "--subject",
          "-m",
          "--body",
          "--tree",
          "--timestamp",
          "--add-metadata-string",
          "--add-metadata",
          "--parent",
          "--owner-uid",
          "--owner-gid");
  private static final Set<String> REPEATABLE =
      Set.of("--tree", "--add-metadata-string", "--add-metadata");

  private FastCommit() {}

  /** A command ready to execute, or empty if picocli must parse this command line. */
  static Optional<CommitCommand> parse(String[] args) {
    CommitCommand c = new CommitCommand();
    c.cli = new OstreeCli();
    Set<String> seen = new HashSet<>();
    boolean sawCommand = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!sawCommand && a.equals("commit")) {
        sawCommand = true;
        continue;
      }
      int eq = a.indexOf('=');
      String name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
      String value = a.startsWith("--") && eq > 0 ? a.substring(eq + 1) : null;
      if (!sawCommand && !name.equals("--repo")) {
        return Optional.empty(); // only --repo may come before the subcommand
      }
      if (FLAGS.contains(name)) {
        if (value != null || !seen.add(name)) {
          return Optional.empty();
        }
        setFlag(c, name);
      } else if (VALUED.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
            return Optional.empty();
          }
          value = args[++i];
        }
        String canonical = canonicalName(name);
        if (!REPEATABLE.contains(canonical) && !seen.add(canonical)) {
          return Optional.empty();
        }
        if (!setValue(c, canonical, value)) {
          return Optional.empty();
        }
      } else if (a.startsWith("-") || c.path != null || !sawCommand) {
        return Optional.empty();
      } else {
        c.path = a;
      }
    }
    return sawCommand ? Optional.of(c) : Optional.empty();
  }

  /** Runs a parsed commit; errors are one line and exit code 1, as through picocli. */
  static int run(CommitCommand c, PrintWriter out, PrintWriter err) {
    c.directOut = out;
    c.directErr = err;
    try {
      return c.execute();
    } catch (Exception e) {
      return OstreeCli.reportFailure(e, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static String canonicalName(String name) {
    return switch (name) {
      case "-b" -> "--branch";
      case "-s" -> "--subject";
      case "-m" -> "--body";
      default -> name;
    };
  }

  private static void setFlag(CommitCommand c, String name) {
    switch (name) {
      case "--orphan" -> c.orphan = true;
      case "--canonical-permissions" -> c.canonical = true;
      case "--no-xattrs" -> c.noXattrs = true;
      case "--skip-if-unchanged" -> c.skipIfUnchanged = true;
      case "--no-bindings" -> c.noBindings = true;
      case "--generate-sizes" -> c.generateSizes = true;
      default -> throw new IllegalStateException("unhandled flag " + name);
    }
  }

  /** False when the value needs picocli's conversion and error (a number that is not one). */
  private static boolean setValue(CommitCommand c, String name, String value) {
    switch (name) {
      case "--repo" -> {
        try {
          c.cli.setRepo(Path.of(value));
        } catch (java.nio.file.InvalidPathException e) {
          return false;
        }
      }
      case "--branch" -> c.branch = value;
      case "--subject" -> c.subject = value;
      case "--body" -> c.body = value;
      case "--tree" -> c.trees.add(value);
      case "--timestamp" -> c.timestamp = value;
      case "--add-metadata-string" -> c.metaStrings.add(value);
      case "--add-metadata" -> c.metas.add(value);
      case "--parent" -> c.parent = value;
      case "--owner-uid", "--owner-gid" -> {
        Integer n = parseInt(value);
        if (n == null) {
          return false;
        }
        if (name.equals("--owner-uid")) {
          c.ownerUid = n;
        } else {
          c.ownerGid = n;
        }
      }
      default -> throw new IllegalStateException("unhandled option " + name);
    }
    return true;
  }

  /**
   * Plain decimal only: signs, leading zeros (octal to Integer.decode) and the rest go to picocli.
   */
  private static Integer parseInt(String s) {
    if (!s.matches("0|[1-9][0-9]{0,8}")) {
      return null;
    }
    return Integer.valueOf(s);
  }
}
