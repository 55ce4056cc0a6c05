package dev.treewave.agent.host.ostree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.HostOsException;
import dev.treewave.agent.host.KernelArgs;
import dev.treewave.agent.host.Management;
import dev.treewave.agent.host.PullRequest;
import dev.treewave.agent.host.StageRequest;
import dev.treewave.agent.host.VerificationPolicy;
import dev.treewave.agent.testing.ScratchHost;
import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.Signatures;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Signer;
import dev.treewave.testing.http.StaticRepoServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OstreeHostOs} on a scratch sysroot booted into v1 (the {@code ostree=} argument of a
 * kernel command line kept in a file), pulling ed25519-signed commits over real HTTP from our
 * static server on 127.0.0.1: the whole stage → activate → "reboot" → rollback cycle and the
 * idempotency the agent relies on.
 */
class OstreeHostOsIT {

  private static final String REF = "os/test";
  private static final String OS = "testos";

  @TempDir Path tmp;
  private StaticRepoServer server;
  private String v1;
  private String v2;
  private String unsigned;
  private VerificationPolicy trusted;
  private ScratchHost scratch;
  private Path root;
  private OstreeHostOs host;

  @BeforeEach
  void setUp() throws Exception {
    Path served = tmp.resolve("served");
    OstreeRepo repo = OstreeRepo.init(served, RepoMode.ARCHIVE);
    byte[] seed = new byte[32];
    seed[0] = 7;
    Ed25519Signer signer = new Ed25519Signer(seed);
    v1 = commit(repo, "1", signer);
    v2 = commit(repo, "2", signer);
    unsigned = commit(repo, "3", null);
    server = StaticRepoServer.start(served, new InetSocketAddress("127.0.0.1", 0));
    trusted =
        new VerificationPolicy(
            VerificationPolicy.Scheme.ED25519,
            List.of(
                (Ed25519Keys.publicKeyString(signer.publicKey()) + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));

    scratch = ScratchHost.install(tmp.resolve("root"), tmp.resolve("proc"), OS, request(v1));
    root = scratch.root();
    host = scratch.host();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
    if (scratch != null) {
      scratch.unlock();
    }
  }

  @Test
  void stagesActivatesBootsAndRollsBackIdempotently() throws Exception {
    assertThat(host.inspect().management()).isInstanceOf(Management.Managed.class);
    assertThat(host.inspect().deployments().bootedCommit()).contains(v1);
    assertThat(host.hasCommit(v2)).isFalse();

    List<Long> progress = new ArrayList<>();
    host.pull(request(v2), p -> progress.add(p.fetchedObjects()));
    host.pull(request(v2), p -> {}); // idempotent
    assertThat(host.hasCommit(v2)).isTrue();
    assertThat(progress).isNotEmpty();
    assertThat(host.verify(v2, trusted)).contains("ed25519");

    Deployment staged = host.stage(new StageRequest(OS, v2, KernelArgs.NONE));
    assertThat(host.stage(new StageRequest(OS, v2, KernelArgs.NONE))).isEqualTo(staged);
    assertThat(staged.staged()).isTrue();
    assertThat(host.inspect().deployments().defaultDeployment().map(Deployment::commit))
        .contains(v1);

    host.makeDefault(v2);
    host.makeDefault(v2); // no-op the second time
    assertThat(host.inspect().deployments().staged()).isEmpty();
    assertThat(host.inspect().deployments().defaultDeployment().map(Deployment::commit))
        .contains(v2);
    scratch.bootDefault();
    assertThat(host.inspect().deployments().bootedCommit()).contains(v2);
    assertThat(host.inspect().deployments().rollbackTarget().map(Deployment::commit)).contains(v1);

    host.makeDefault(v1); // rollback: the existing deployment, nothing downloaded
    scratch.bootDefault();
    assertThat(host.inspect().deployments().bootedCommit()).contains(v1);
    Deployment old =
        host.inspect().deployments().ordered().stream()
            .filter(d -> d.commit().equals(v2))
            .findFirst()
            .orElseThrow();
    host.undeploy(old);
    assertThat(host.inspect().deployments().find(v2)).isEmpty();
    host.pruneRepository();
    assertThat(host.hasCommit(v1)).isTrue();
  }

  @Test
  void withGrubActivationArmsTheBootCounterAndOnlyAGoodBootOfTheDefaultClearsIt() throws Exception {
    Files.createDirectories(root.resolve("boot/grub"));
    Files.createSymbolicLink(root.resolve("boot/grub/grub.cfg"), Path.of("../loader/grub.cfg"));
    host.pull(request(v2), p -> {});
    host.stage(new StageRequest(OS, v2, KernelArgs.NONE));
    host.makeDefault(v2);
    assertThat(grubEnv()).containsEntry("boot_counter", "3").containsEntry("boot_success", "0");
    assertThat(host.markBootSuccessful()).as("still on v1: v2 has not booted yet").isFalse();
    assertThat(grubEnv()).containsEntry("boot_counter", "3");

    scratch.bootDefault();
    assertThat(host.inspect().deployments().bootedCommit()).contains(v2);
    assertThat(host.markBootSuccessful()).isTrue();
    assertThat(grubEnv()).doesNotContainKey("boot_counter").containsEntry("boot_success", "1");
    assertThat(host.markBootSuccessful()).isFalse();
  }

  private java.util.Map<String, String> grubEnv() throws java.io.IOException {
    return dev.treewave.ostree.sysroot.GrubEnv.parse(
            Files.readAllBytes(root.resolve("boot/loader/grubenv")))
        .vars();
  }

  @Test
  void refusesUnsignedCommitsAndUnknownDeployments() {
    assertThatThrownBy(() -> host.pull(request(unsigned), p -> {}))
        .isInstanceOf(HostOsException.class)
        .extracting(e -> ((HostOsException) e).kind())
        .isEqualTo(HostOsException.Kind.SIGNATURE);
    assertThatThrownBy(() -> host.makeDefault(v2))
        .isInstanceOf(HostOsException.class)
        .extracting(e -> ((HostOsException) e).kind())
        .isEqualTo(HostOsException.Kind.NOT_FOUND);
  }

  @Test
  void anUnpinnedOlderCommitIsRefusedButAPinnedOneIsAllowed() throws Exception {
    host.pull(request(v2), p -> {});
    OstreeRepo local = OstreeRepo.open(root.resolve("ostree/repo"));
    String ref = OstreeHostOs.REMOTE + ":" + REF;
    assertThat(local.refs().read(ref).map(ObjectId::hex)).contains(v2);
    PullRequest unpinned = new PullRequest(URI.create(server.url()), REF, v1, trusted, false);
    assertThatThrownBy(() -> host.pull(unpinned, p -> {}))
        .isInstanceOf(HostOsException.class)
        .hasMessageContaining("chronologically older")
        // not retried as a network failure: the mirror would give the same answer again
        .satisfies(e -> assertThat(((HostOsException) e).kind().retryable()).isFalse());
    assertThat(local.refs().read(ref).map(ObjectId::hex)).contains(v2); // no ref moved
    host.pull(request(v1), p -> {}); // pinned, as a GitOps rollback pins: allowed
    assertThat(local.refs().read(ref).map(ObjectId::hex)).contains(v1);
  }

  private PullRequest request(String commit) {
    return new PullRequest(URI.create(server.url()), REF, commit, trusted);
  }

  private String commit(OstreeRepo repo, String version, Ed25519Signer signer) throws Exception {
    Path tree = tmp.resolve("tree-" + version);
    Path modules = tree.resolve("usr/lib/modules/6.1.0-" + version);
    Files.createDirectories(modules);
    Files.writeString(modules.resolve("vmlinuz"), "kernel " + version);
    Files.writeString(modules.resolve("initramfs.img"), "initramfs " + version);
    Files.createDirectories(tree.resolve("usr/etc"));
    Files.writeString(
        tree.resolve("usr/etc/os-release"), "ID=testos\nVERSION_ID=" + version + "\n");
    ObjectId id =
        new TreeCommitter(
                repo,
                CommitOptions.builder()
                    .branch(REF)
                    .subject("v" + version)
                    .timestamp(1_700_000_000L + Long.parseLong(version))
                    .addMetadataString("version", version)
                    .canonicalPermissions(true)
                    .tree(tree)
                    .build())
            .commit()
            .commit();
    if (signer != null) {
      Signatures.signCommit(repo, id, signer);
    }
    return id.hex();
  }
}
