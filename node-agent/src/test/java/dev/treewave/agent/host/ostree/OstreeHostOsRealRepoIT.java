package dev.treewave.agent.host.ostree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.agent.host.HostOsException;
import dev.treewave.agent.host.KernelArgs;
import dev.treewave.agent.host.PullRequest;
import dev.treewave.agent.host.SpaceNeeded;
import dev.treewave.agent.host.VerificationPolicy;
import dev.treewave.agent.state.Action;
import dev.treewave.agent.state.AgentSettings;
import dev.treewave.agent.state.AgentState;
import dev.treewave.agent.state.AgentTelemetry;
import dev.treewave.agent.state.DiskCheck;
import dev.treewave.agent.state.FailureReason;
import dev.treewave.agent.state.FileJournalStore;
import dev.treewave.agent.state.Instruction;
import dev.treewave.agent.state.NodeAgent;
import dev.treewave.agent.state.NodeReport;
import dev.treewave.agent.state.Target;
import dev.treewave.agent.testing.Cli;
import dev.treewave.agent.testing.Crashpoints;
import dev.treewave.agent.testing.GpgKey;
import dev.treewave.agent.testing.RecordingRebooter;
import dev.treewave.agent.testing.RecordingReporter;
import dev.treewave.agent.testing.ScratchHost;
import dev.treewave.testing.RequiredTool;
import dev.treewave.testing.http.StaticRepoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent over a repository made by the real {@code ostree} CLI: commits signed with GPG keys
 * made by the real GnuPG, with {@code --generate-sizes} (and one without, once with a static
 * delta), served over HTTP on 127.0.0.1, pulled into a scratch sysroot. Free space comes from a
 * probe the test sets, so "the disk is full" needs no special filesystem.
 */
class OstreeHostOsRealRepoIT {

  private static final String REF = "debian/12/x86_64/test";
  private static final String OS = "testos";
  private static final int PAYLOAD = 3 * 1024 * 1024;
  private static final long RESERVE = 1024 * 1024;

  @TempDir static Path shared;
  private static GpgKey trusted;
  private static GpgKey stranger;
  private static StaticRepoServer server;
  private static Path repo;
  private static String v1;
  private static String v2;
  private static String strangers;
  private static String withoutSizes;
  private static String withDeltaOnly;
  private static String ours;
  private static long oursObjectsByOstree;
  private static long v2ObjectsByOstree;

  @TempDir Path tmp;
  private ScratchHost scratch;
  private final AtomicLong free = new AtomicLong(Long.MAX_VALUE / 4);
  private OstreeHostOs host;

  @BeforeAll
  static void makeRepository() throws Exception {
    RequiredTool.require("ostree", "apt-get install ostree");
    trusted = GpgKey.generate(shared.resolve("gpg-trusted"), "Treewave Release");
    stranger = GpgKey.generate(shared.resolve("gpg-stranger"), "Someone Else");
    repo = shared.resolve("repo");
    Cli.run("ostree", "--repo=" + repo, "init", "--mode=archive");
    v1 = commit("1", trusted, true);
    v2 = commit("2", trusted, true);
    strangers = commit("3", stranger, true);
    withoutSizes = commit("4", trusted, false);
    withDeltaOnly = commit("5", trusted, false);
    ours = commitWithOurCode("6");
    Cli.run(
        "ostree",
        "--repo=" + repo,
        "gpg-sign",
        ours,
        trusted.fingerprint(),
        "--gpg-homedir=" + trusted.home());
    Cli.run(
        "ostree", "--repo=" + repo, "static-delta", "generate", "--empty", "--to=" + withDeltaOnly);
    Cli.run("ostree", "--repo=" + repo, "summary", "-u");
    String sizes = Cli.run("ostree", "--repo=" + repo, "show", "--print-sizes", v2);
    Matcher m = Pattern.compile("Number of objects \\(needed/total\\): \\d+/(\\d+)").matcher(sizes);
    assertThat(m.find()).as(sizes).isTrue();
    v2ObjectsByOstree = Long.parseLong(m.group(1));
    Matcher o =
        Pattern.compile("Number of objects \\(needed/total\\): \\d+/(\\d+)")
            .matcher(Cli.run("ostree", "--repo=" + repo, "show", "--print-sizes", ours));
    assertThat(o.find()).isTrue();
    oursObjectsByOstree = Long.parseLong(o.group(1));
    server = StaticRepoServer.start(repo, new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (trusted != null) {
      trusted.close();
    }
    if (stranger != null) {
      stranger.close();
    }
  }

  @BeforeEach
  void bootV1() throws Exception {
    scratch =
        ScratchHost.install(tmp.resolve("root"), tmp.resolve("proc"), OS, request(v1, policy()));
    host = scratch.host(path -> free.get());
  }

  @AfterEach
  void unlock() throws Exception {
    scratch.unlock();
  }

  @Test
  void theSizesOfTheSignedCommitDecideTheDiskCheck() throws Exception {
    SpaceNeeded needed = host.spaceNeeded(request(v2, policy()));

    assertThat(needed.basis()).isEqualTo(SpaceNeeded.Basis.COMMIT_SIZES);
    // v2 shares nothing big with v1: its payload, plus a few small files and directories.
    assertThat(needed.bytes()).isBetween((long) PAYLOAD, PAYLOAD + 64L * 1024);
    assertThat(needed.detail()).contains("of the commit's " + v2ObjectsByOstree + " objects");
    assertThat(host.hasCommit(v2)).as("only the commit object was fetched").isFalse();

    // One byte short of what the pull needs plus the reserve: refused before any content.
    free.set(needed.bytes() + RESERVE - 1);
    Run refused = stage("s1", v2);
    assertThat(refused.state()).isInstanceOf(AgentState.Failed.class);
    AgentState.Failed failed = (AgentState.Failed) refused.state();
    assertThat(failed.failure().reason()).isEqualTo(FailureReason.INSUFFICIENT_DISK);
    assertThat(failed.failure().message())
        .contains(Long.toString(needed.bytes()))
        .contains("ostree.sizes")
        .contains(Long.toString(RESERVE));
    assertThat(host.hasCommit(v2)).isFalse();
    assertThat(host.inspect().deployments().staged()).isEmpty();
    assertThat(payloadsIn(scratch.root())).as("v1's payload only; nothing of v2").isEqualTo(1);

    // Exactly enough: pulled, GPG-verified, staged.
    free.set(needed.bytes() + RESERVE);
    Run staged = stage("s2", v2);
    assertThat(staged.state()).isInstanceOf(AgentState.Staged.class);
    assertThat(host.inspect().deployments().staged().orElseThrow().commit()).isEqualTo(v2);
    assertThat(staged.diskCheck().needed()).isEqualTo(needed);
    assertThat(host.spaceNeeded(request(v2, policy())).basis())
        .isEqualTo(SpaceNeeded.Basis.COMPLETE);
  }

  @Test
  void sizesWrittenByOurOwnCommitAreReadTheSameWay() throws Exception {
    SpaceNeeded needed = host.spaceNeeded(request(ours, policy()));

    assertThat(needed.basis()).isEqualTo(SpaceNeeded.Basis.COMMIT_SIZES);
    assertThat(needed.bytes()).isBetween((long) PAYLOAD, PAYLOAD + 64L * 1024);
    assertThat(needed.detail()).contains("of the commit's " + oursObjectsByOstree + " objects");
  }

  @Test
  void aGpgSignedCommitIsVerifiedWithTheTrustedKey() throws Exception {
    host.pull(request(v2, policy()), p -> {});

    assertThat(host.verify(v2, policy())).containsIgnoringCase(trusted.fingerprint().substring(24));
    assertThatThrownBy(() -> host.verify(v2, policyOf(stranger)))
        .isInstanceOf(HostOsException.class)
        .extracting(e -> ((HostOsException) e).kind())
        .isEqualTo(HostOsException.Kind.SIGNATURE);
  }

  @Test
  void aCommitSignedByAnotherGpgKeyIsRefusedBeforeStaging() throws Exception {
    long before = contentRequests();
    Run run = stage("s1", strangers);

    AgentState.Failed failed = (AgentState.Failed) run.state();
    assertThat(failed.failure().reason()).isEqualTo(FailureReason.SIGNATURE_INVALID);
    assertThat(host.hasCommit(strangers)).isFalse();
    assertThat(host.inspect().deployments().staged()).isEmpty();
    assertThat(payloadsIn(scratch.root())).as("no content of the refused commit").isEqualTo(1);
    assertThat(contentRequests()).as("nothing but its commit object fetched").isEqualTo(before);
  }

  @Test
  void withoutSizesAStaticDeltaGivesTheEstimate() throws Exception {
    SpaceNeeded needed = host.spaceNeeded(request(withDeltaOnly, policy()));

    assertThat(needed.basis()).isEqualTo(SpaceNeeded.Basis.DELTA_SIZES);
    assertThat(needed.bytes()).isGreaterThanOrEqualTo(PAYLOAD);
    assertThat(needed.detail()).contains("estimate");
  }

  @Test
  void withoutSizesOrDeltaOnlyTheReserveIsCheckedAndTheStatusSaysSo() throws Exception {
    SpaceNeeded needed = host.spaceNeeded(request(withoutSizes, policy()));
    assertThat(needed.basis()).isEqualTo(SpaceNeeded.Basis.UNKNOWN);
    assertThat(needed.detail()).contains("no ostree.sizes");

    free.set(RESERVE + 1);
    Run run = stage("s1", withoutSizes);
    assertThat(run.state()).isInstanceOf(AgentState.Staged.class);
    assertThat(run.diskCheck().message(withoutSizes)).contains("only the reserve");
  }

  // --- helpers

  private record Run(AgentState state, DiskCheck diskCheck) {}

  /** One agent, passes until it rests, as its loop would (retries immediately: no clock here). */
  private Run stage(String id, String commit) throws Exception {
    RecordingReporter reporter = new RecordingReporter(new Crashpoints());
    NodeAgent agent =
        new NodeAgent(
            host,
            new RecordingRebooter(new Crashpoints()),
            new FileJournalStore(tmp.resolve("journal-" + id + ".json")),
            reporter,
            AgentTelemetry.NONE,
            new AgentSettings(
                2, RESERVE, 1, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ZERO),
            Clock.systemUTC());
    Instruction instruction =
        new Instruction(
            id,
            Action.STAGE,
            commit,
            new Target(OS, URI.create(server.url()), REF, policy(), KernelArgs.NONE));
    for (int pass = 0; pass < 10; pass++) {
      if (agent.reconcile(instruction) instanceof NodeAgent.Outcome.Rest) {
        break;
      }
    }
    DiskCheck check =
        reporter.published().stream()
            .map(NodeReport::diskCheck)
            .filter(c -> c != null)
            .reduce((a, b) -> b)
            .orElse(null);
    return new Run(reporter.last().state(), check);
  }

  private static VerificationPolicy policy() throws IOException {
    return policyOf(trusted);
  }

  private static VerificationPolicy policyOf(GpgKey key) throws IOException {
    return new VerificationPolicy(VerificationPolicy.Scheme.GPG, List.of(key.armoredPublicKey()));
  }

  private static PullRequest request(String commit, VerificationPolicy policy) {
    return ScratchHost.request(server.url(), REF, commit, policy);
  }

  /** Dirtree, dirmeta and file objects the server has handed out so far. */
  private static long contentRequests() {
    return server.requests().stream()
        .filter(r -> r.status() == 200 && r.path().contains("/objects/"))
        .filter(r -> !r.path().endsWith(".commit") && !r.path().endsWith(".commitmeta"))
        .count();
  }

  /** Files of a payload's size in the sysroot's repository: v1's is there from the start. */
  private static long payloadsIn(Path root) throws IOException {
    try (var files = Files.walk(root.resolve("ostree/repo/objects"))) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .filter(size -> size >= PAYLOAD && size < 2L * PAYLOAD)
          .count();
    }
  }

  /** As {@link #commit}, but with our commit code ({@code generateSizes}), unsigned. */
  private static String commitWithOurCode(String version) throws IOException {
    Path tree = tree(version);
    return new dev.treewave.ostree.commit.TreeCommitter(
            dev.treewave.ostree.repo.OstreeRepo.open(repo),
            dev.treewave.ostree.commit.CommitOptions.builder()
                .branch(REF)
                .subject("v" + version)
                .addMetadataString("version", version)
                .canonicalPermissions(true)
                .generateSizes(true)
                .tree(tree)
                .build())
        .commit()
        .commit()
        .hex();
  }

  private static Path tree(String version) throws IOException {
    Path tree = shared.resolve("tree-" + version);
    Path modules = tree.resolve("usr/lib/modules/6.1.0-" + version);
    Files.createDirectories(modules);
    Files.writeString(modules.resolve("vmlinuz"), "kernel " + version);
    Files.writeString(modules.resolve("initramfs.img"), "initramfs " + version);
    Files.createDirectories(tree.resolve("usr/etc"));
    Files.writeString(
        tree.resolve("usr/etc/os-release"), "ID=testos\nVERSION_ID=" + version + "\n");
    Files.createDirectories(tree.resolve("usr/share/payload"));
    byte[] payload = new byte[PAYLOAD];
    new Random(Long.parseLong(version)).nextBytes(payload);
    Files.write(tree.resolve("usr/share/payload/blob-" + version), payload);
    return tree;
  }

  /**
   * Commits a small bootable tree whose payload (random, so it shares nothing) makes its size
   * visible; signs it with {@code key}.
   */
  private static String commit(String version, GpgKey key, boolean sizes) throws IOException {
    Path tree = tree(version);
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "ostree",
                "--repo=" + repo,
                "commit",
                "--branch=" + REF,
                "--tree=dir=" + tree,
                "--subject=v" + version,
                "--add-metadata-string=version=" + version,
                "--owner-uid=0",
                "--owner-gid=0",
                "--gpg-sign=" + key.fingerprint(),
                "--gpg-homedir=" + key.home()));
    if (sizes) {
      command.add("--generate-sizes");
    }
    return Cli.run(command.toArray(String[]::new)).strip();
  }
}
