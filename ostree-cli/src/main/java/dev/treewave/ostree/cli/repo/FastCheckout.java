package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.cli.OstreeCli;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code checkout} without picocli. Building picocli's command model costs about 0.2 s of CPU in a
 * fresh JVM, more than a hardlink checkout of a whole OS tree, so the common checkout command lines
 * are parsed here by hand. Anything this parser does not recognise (help, unknown or bundled
 * options, {@code --}) returns empty and the regular picocli command line handles it, so behaviour
 * and error messages stay those of {@link CheckoutCommand}. This class must not touch picocli.
 */
final class FastCheckout {
  /** A parsed checkout command line. */
  record Args(Optional<Path> repo, CheckoutOptions options, String rev, Optional<Path> dest) {}

  private FastCheckout() {}

  /** Parses {@code args} if it is a plain checkout command line this class understands. */
  static Optional<Args> parse(String[] args) {
    Optional<Path> repo = Optional.empty();
    boolean sawCommand = false;
    boolean userMode = false;
    boolean union = false;
    boolean requireHardlinks = false;
    String subpath = null;
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!sawCommand && a.startsWith("--subpath")) {
        return Optional.empty(); // not a root option: let picocli report it
      }
      if (a.equals("--repo") || a.equals("--subpath")) {
        if (i + 1 >= args.length) {
          return Optional.empty();
        }
        String v = args[++i];
        if (a.equals("--repo")) {
          repo = Optional.of(Path.of(v));
        } else {
          subpath = v;
        }
      } else if (a.startsWith("--repo=")) {
        repo = Optional.of(Path.of(a.substring("--repo=".length())));
      } else if (a.startsWith("--subpath=")) {
        subpath = a.substring("--subpath=".length());
      } else if (!sawCommand) {
        if (!a.equals("checkout")) {
          return Optional.empty();
        }
        sawCommand = true;
      } else if (a.equals("-U") || a.equals("--user-mode")) {
        userMode = true;
      } else if (a.equals("--union")) {
        union = true;
      } else if (a.equals("-H") || a.equals("--require-hardlinks")) {
        requireHardlinks = true;
      } else if (a.startsWith("-")) {
        return Optional.empty();
      } else {
        positional.add(a);
      }
    }
    if (!sawCommand || positional.isEmpty() || positional.size() > 2) {
      return Optional.empty();
    }
    return Optional.of(
        new Args(
            repo,
            new CheckoutOptions(userMode, subpath, union, requireHardlinks),
            positional.get(0),
            positional.size() == 2 ? Optional.of(Path.of(positional.get(1))) : Optional.empty()));
  }

  /** Runs a parsed checkout; errors are one line and exit code 1, as through picocli. */
  static int run(Args a, PrintWriter err) {
    try {
      Path repoPath =
          a.repo()
              .orElseGet(
                  () -> {
                    String env = System.getenv("OSTREE_REPO");
                    if (env == null || env.isEmpty()) {
                      throw new IllegalArgumentException("Command requires a --repo argument");
                    }
                    return Path.of(env);
                  });
      checkout(OstreeRepo.open(repoPath), a.options(), a.rev(), a.dest().orElse(null));
      return 0;
    } catch (RuntimeException e) {
      return OstreeCli.reportFailure(e, err);
    } finally {
      err.flush();
    }
  }

  /** The checkout itself, shared with {@link CheckoutCommand}. */
  static void checkout(OstreeRepo repo, CheckoutOptions options, String rev, Path dest) {
    Path target = dest != null ? dest : Path.of(rev.substring(rev.lastIndexOf('/') + 1));
    new Checkout(repo, options).checkout(rev, target);
  }
}
