package dev.treewave.ostree.cli.remote;

import dev.treewave.ostree.pull.HttpOptions;
import dev.treewave.ostree.pull.LocalRepoSource;
import dev.treewave.ostree.pull.ObjectSource;
import dev.treewave.ostree.pull.PullOptions;
import dev.treewave.ostree.pull.PullResult;
import dev.treewave.ostree.pull.Puller;
import dev.treewave.ostree.remote.Remote;
import dev.treewave.ostree.remote.RemoteConfig;
import dev.treewave.ostree.remote.RemoteTrust;
import dev.treewave.ostree.remote.TrustRoots;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.sign.VerificationPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pull", description = "Download data from a remote repository")
final class PullCommand extends TransportCommand {
  @Option(names = "--depth", defaultValue = "0", description = "Parent commits to fetch (-1: all)")
  int depth;

  @Option(names = "--mirror", description = "Write refs/heads and copy the summary")
  boolean mirror;

  @Option(names = "--commit-metadata-only", description = "Fetch only commit objects")
  boolean commitMetadataOnly;

  @Option(names = "--disable-static-deltas", description = "Fetch loose objects only")
  boolean noDeltas;

  @Option(names = "--parallel", defaultValue = "8", description = "Concurrent fetches")
  int parallel;

  @Option(names = "--quiet", description = "No progress display")
  boolean quiet;

  @Option(
      names = "--timestamp-check",
      description = "Refuse to move a ref to a commit older than the one it points to")
  boolean timestampCheck;

  @Option(
      names = "--network-retries",
      paramLabel = "N",
      description = "Retries of a failed network request (default 5; remote: n-network-retries)")
  Integer networkRetries;

  @Option(
      names = "--low-speed-limit-bytes",
      paramLabel = "N",
      description =
          "Abort a transfer averaging fewer bytes/s than this over the low-speed time (default"
              + " 1000; 0: off)")
  Long lowSpeedLimit;

  @Option(
      names = "--low-speed-time-seconds",
      paramLabel = "S",
      description = "The low-speed window (default 30)")
  Long lowSpeedTime;

  @Option(
      names = "--request-timeout-seconds",
      paramLabel = "S",
      description = "Abort a single request after this long (default 300; 0: none)")
  Long requestTimeout;

  @Parameters(index = "0", paramLabel = "REMOTE")
  String remoteName;

  @Parameters(index = "1..*", paramLabel = "REF", description = "REF, CHECKSUM or REF@CHECKSUM")
  List<String> refs = new ArrayList<>();

  @Override
  int execute() {
    OstreeRepo repo = repo();
    List<String> wanted = new ArrayList<>();
    String name = remoteName;
    int colon = name.indexOf(':');
    if (colon > 0) { // ostree accepts REMOTE:REF
      wanted.add(name.substring(colon + 1));
      name = name.substring(0, colon);
    }
    wanted.addAll(refs);
    Remote remote = RemoteConfig.of(repo).get(name);
    if (wanted.isEmpty() && !mirror) {
      wanted.addAll(remote.branches());
    }
    VerificationPolicy policy = RemoteTrust.policyFor(repo.path(), remote, TrustRoots.SYSTEM);
    PullOptions o =
        PullOptions.of(name, wanted, policy)
            .withDepth(depth)
            .withMirror(mirror)
            .withCommitMetadataOnly(commitMetadataOnly)
            .withDeltas(!noDeltas)
            .withParallelism(parallel)
            .withTimestampCheck(timestampCheck);
    if (!quiet) {
      o = o.withProgress(new ProgressBar(err()));
    }
    PullResult r;
    HttpOptions http = HttpOptions.DEFAULTS.withRemoteOptions(remote.options());
    if (networkRetries != null) {
      http = http.withRetries(networkRetries);
    }
    if (lowSpeedLimit != null || lowSpeedTime != null) {
      http =
          http.withLowSpeed(
              lowSpeedLimit != null ? lowSpeedLimit : http.lowSpeedLimitBytes(),
              lowSpeedTime != null ? Duration.ofSeconds(lowSpeedTime) : http.lowSpeedTime());
    }
    if (requestTimeout != null) {
      http = http.withRequestTimeout(Duration.ofSeconds(requestTimeout));
    }
    try (ObjectSource source = sourceFor(remote, http)) {
      r = new Puller(repo).pull(source, o);
    }
    report(r);
    return 0;
  }

  void report(PullResult r) {
    var s = r.stats();
    out()
        .printf(
            "%d metadata, %d content objects fetched%s; %s transferred in %d seconds; %s content written%n",
            s.metadataFetched(),
            s.contentFetched(),
            r.deltasUsed().isEmpty() ? "" : " (" + s.deltaPartsFetched() + " delta parts)",
            ProgressBar.human(s.bytesTransferred()),
            s.elapsed().toSeconds(),
            ProgressBar.human(s.contentBytesWritten()));
  }
}

@Command(name = "pull-local", description = "Copy data from another local repository")
final class PullLocalCommand extends TransportCommand {
  @Option(names = "--remote", description = "Write refs as REMOTE:REF")
  String remote;

  @Option(names = "--depth", defaultValue = "0")
  int depth;

  @Parameters(index = "0", paramLabel = "SOURCE_REPO")
  Path source;

  @Parameters(index = "1..*", paramLabel = "REF")
  List<String> refs = new ArrayList<>();

  @Override
  int execute() {
    OstreeRepo src = OstreeRepo.open(source);
    List<String> wanted = new ArrayList<>(refs);
    if (wanted.isEmpty()) {
      src.refs().list().keySet().stream().filter(r -> !r.contains(":")).forEach(wanted::add);
    }
    List<String> resolved = new ArrayList<>();
    for (String r : wanted) {
      // the source is local: resolve refs there (no summary needed)
      resolved.add(
          dev.treewave.ostree.core.ObjectId.isValid(r) ? r : r + "@" + src.resolveRev(r).hex());
    }
    PullOptions o =
        new PullOptions(
            Optional.ofNullable(remote),
            resolved,
            VerificationPolicy.NONE,
            depth,
            false,
            false,
            false,
            4,
            p -> {},
            false);
    try (ObjectSource s = new LocalRepoSource(src)) {
      PullResult r = new Puller(repo()).pull(s, o);
      out()
          .printf(
              "%d metadata, %d content objects imported%n",
              r.stats().metadataFetched(), r.stats().contentFetched());
    }
    return 0;
  }
}
