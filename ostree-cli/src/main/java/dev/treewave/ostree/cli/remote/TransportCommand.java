package dev.treewave.ostree.cli.remote;

import dev.treewave.ostree.pull.ArchiveSource;
import dev.treewave.ostree.pull.FileTransport;
import dev.treewave.ostree.pull.HttpOptions;
import dev.treewave.ostree.pull.HttpTransport;
import dev.treewave.ostree.pull.ObjectSource;
import dev.treewave.ostree.pull.Transport;
import dev.treewave.ostree.remote.Remote;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the transport subcommands. The repository comes from the root command's inherited {@code
 * --repo} option (looked up through the picocli model, so these commands do not depend on the root
 * command's class), else {@code $OSTREE_REPO}.
 */
abstract class TransportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  Path repoPath() {
    for (CommandSpec s = spec; s != null; s = s.parent()) {
      OptionSpec o = s.findOption("--repo");
      if (o != null && o.getValue() != null) {
        return Path.of(o.getValue().toString());
      }
    }
    String env = System.getenv("OSTREE_REPO");
    if (env != null && !env.isEmpty()) {
      return Path.of(env);
    }
    throw new IllegalArgumentException("Command requires a --repo argument");
  }

  OstreeRepo repo() {
    return OstreeRepo.open(repoPath());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public Integer call() throws Exception {
    return execute();
  }

  abstract int execute() throws Exception;

  /** A transport for {@code http(s)://} or {@code file://} URLs. */
  static Transport transportFor(String url) {
    return transportFor(url, HttpOptions.DEFAULTS);
  }

  /** As above, HTTP with {@code http}'s limits. */
  static Transport transportFor(String url, HttpOptions http) {
    if (url.startsWith("file://")) {
      return new FileTransport(Path.of(URI.create(url)));
    }
    if (url.startsWith("http://") || url.startsWith("https://")) {
      return new HttpTransport(url, http);
    }
    if (url.startsWith("/")) {
      return new FileTransport(Path.of(url));
    }
    throw new IllegalArgumentException("Unsupported remote URL '" + url + "' (http, https, file)");
  }

  static ObjectSource sourceFor(Remote remote) {
    return sourceFor(remote, HttpOptions.DEFAULTS.withRemoteOptions(remote.options()));
  }

  /** The remote's source with {@code http}'s limits (the caller merges the remote's options). */
  static ObjectSource sourceFor(Remote remote, HttpOptions http) {
    Transport main = transportFor(remote.url(), http);
    if (remote.contentUrl().isPresent()) {
      return new ArchiveSource(main, transportFor(remote.contentUrl().get(), http));
    }
    return new ArchiveSource(main);
  }
}
