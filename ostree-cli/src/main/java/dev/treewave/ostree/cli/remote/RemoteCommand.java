package dev.treewave.ostree.cli.remote;

import dev.treewave.ostree.pull.ObjectSource;
import dev.treewave.ostree.remote.Remote;
import dev.treewave.ostree.remote.RemoteConfig;
import dev.treewave.ostree.remote.RemoteTrust;
import dev.treewave.ostree.remote.TrustRoots;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.ostree.summary.Summary;
import dev.treewave.ostree.summary.SummaryRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "remote",
    description = "Remote commands that may involve changing the repository config",
    subcommands = {
      RemoteCommand.Add.class,
      RemoteCommand.Delete.class,
      RemoteCommand.ListRemotes.class,
      RemoteCommand.ShowUrl.class,
      RemoteCommand.Refs.class,
      RemoteCommand.SummaryView.class,
      RemoteCommand.GpgImport.class
    })
final class RemoteCommand implements Runnable {
  @picocli.CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "No remote subcommand given");
  }

  @Command(name = "add", description = "Add a remote")
  static final class Add extends TransportCommand {
    @Option(names = "--if-not-exists")
    boolean ifNotExists;

    @Option(names = "--no-gpg-verify")
    boolean noGpgVerify;

    @Option(names = "--set", paramLabel = "KEY=VALUE")
    List<String> set = new ArrayList<>();

    @Option(names = "--gpg-import", paramLabel = "FILE")
    List<Path> gpgImport = new ArrayList<>();

    @Parameters(index = "0")
    String name;

    @Parameters(index = "1")
    String url;

    @Parameters(index = "2..*")
    List<String> branches = new ArrayList<>();

    @Override
    int execute() throws Exception {
      Map<String, String> opts = new LinkedHashMap<>();
      if (!branches.isEmpty()) {
        opts.put("branches", String.join(";", branches) + ";");
      }
      if (noGpgVerify) {
        opts.put("gpg-verify", "false");
      }
      for (String kv : set) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--set needs KEY=VALUE, got '" + kv + "'");
        }
        opts.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      RemoteConfig rc = new RemoteConfig(repoPath());
      rc.add(name, url, opts, ifNotExists);
      for (Path k : gpgImport) {
        rc.gpgImport(name, Files.readAllBytes(k));
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a remote")
  static final class Delete extends TransportCommand {
    @Option(names = "--if-exists")
    boolean ifExists;

    @Parameters(index = "0")
    String name;

    @Override
    int execute() {
      new RemoteConfig(repoPath()).delete(name, ifExists);
      return 0;
    }
  }

  @Command(name = "list", description = "List remote names")
  static final class ListRemotes extends TransportCommand {
    @Option(names = {"-u", "--show-urls"})
    boolean urls;

    @Override
    int execute() {
      RemoteConfig rc = new RemoteConfig(repoPath());
      for (String n : rc.list()) {
        out().println(urls ? String.format("%-10s %s", n, rc.get(n).url()) : n);
      }
      return 0;
    }
  }

  @Command(name = "show-url", description = "Show remote repository URL")
  static final class ShowUrl extends TransportCommand {
    @Parameters(index = "0")
    String name;

    @Override
    int execute() {
      out().println(new RemoteConfig(repoPath()).get(name).url());
      return 0;
    }
  }

  @Command(name = "gpg-import", description = "Import GPG keys into a remote's keyring")
  static final class GpgImport extends TransportCommand {
    @Option(
        names = {"-k", "--keyring"},
        required = true)
    List<Path> keyrings;

    @Parameters(index = "0")
    String name;

    @Override
    int execute() throws Exception {
      int n = 0;
      for (Path k : keyrings) {
        n += new RemoteConfig(repoPath()).gpgImport(name, Files.readAllBytes(k));
      }
      out()
          .println(
              "Imported " + n + " GPG key" + (n == 1 ? "" : "s") + " to remote \"" + name + "\"");
      return 0;
    }
  }

  /** Fetches and verifies (per the remote's options) a remote's summary. */
  static Summary fetchSummary(Path repo, Remote remote) {
    VerificationPolicy policy = RemoteTrust.policyFor(repo, remote, TrustRoots.SYSTEM);
    try (ObjectSource s = TransportCommand.sourceFor(remote)) {
      byte[] summary =
          s.file("summary", 256L << 20)
              .orElseThrow(
                  () -> new IllegalStateException("Remote " + remote.name() + " has no summary"));
      byte[] sig = s.file("summary.sig", 10L << 20).orElse(null);
      policy.verifySummary(
          summary,
          sig == null
              ? null
              : dev.treewave.ostree.gvariant.GVariant.asVardict(
                  dev.treewave.ostree.gvariant.GVariantParser.parse("a{sv}", sig)));
      return Summary.parse(summary);
    }
  }

  @Command(name = "refs", description = "List refs of a remote (from its summary)")
  static final class Refs extends TransportCommand {
    @Parameters(index = "0")
    String name;

    @Override
    int execute() {
      Summary s = fetchSummary(repoPath(), new RemoteConfig(repoPath()).get(name));
      for (SummaryRef r : s.refs()) {
        out().println(name + ":" + r.name());
      }
      return 0;
    }
  }

  @Command(name = "summary", description = "Show a remote's summary")
  static final class SummaryView extends TransportCommand {
    @Parameters(index = "0")
    String name;

    @Override
    int execute() {
      SummaryCommand.print(out(), fetchSummary(repoPath(), new RemoteConfig(repoPath()).get(name)));
      return 0;
    }
  }
}
