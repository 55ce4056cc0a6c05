package dev.treewave.ostree.interop;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.MarkdownBlocks;
import dev.treewave.testing.Processes;
import dev.treewave.testing.http.StaticRepoServer;
import dev.treewave.testing.kube.ControlPlaneBinaries;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/building-os-images.md, executed: its shell blocks run in order with bin/treewave-ostree (and
 * kubectl, for the ConfigMap), then the real {@code ostree} 2022.7 pulls the published repository
 * over HTTP (v1, then v2 through the static delta), checks every object and reads the version; the
 * signature and the key the page tells the admin to publish must match.
 */
class BuildingOsImagesDocIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DOC = ROOT.resolve("docs/building-os-images.md");

  @TempDir Path work;
  private final OstreeCliRunner ostree = new OstreeCliRunner();

  @AfterEach
  void stopTheServerThePageStarted() throws IOException {
    Path pid = work.resolve("httpd.pid");
    if (Files.exists(pid)) {
      ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()))
          .ifPresent(ProcessHandle::destroy);
    }
  }

  @Test
  void thePageBuildsSignsAndServesARepositoryRealOstreePulls() throws Exception {
    List<String> blocks = MarkdownBlocks.fenced(Files.readAllLines(DOC, UTF_8), "sh");
    assertThat(blocks).as("shell blocks in " + DOC).hasSizeGreaterThanOrEqualTo(8);
    Path script = work.resolve("page.sh");
    Files.writeString(script, "set -euo pipefail\n" + String.join("\n", blocks), UTF_8);

    ProcessBuilder bash = new ProcessBuilder("bash", script.toString()).directory(work.toFile());
    Path kubectlDir = ControlPlaneBinaries.locate().kubectl().getParent();
    bash.environment()
        .put("PATH", ROOT.resolve("bin") + ":" + kubectlDir + ":" + System.getenv("PATH"));
    bash.environment().put("HOME", work.toString());
    Processes.Result page = Processes.run(bash, Duration.ofMinutes(5));
    assertThat(page.exitCode()).as("the page's commands:\n" + page.stderr()).isZero();

    String v1 = Files.readString(work.resolve("v1.commit")).strip();
    String v2 = Files.readString(work.resolve("v2.commit")).strip();
    String publicKey = Files.readString(work.resolve("fleet.pub")).strip();
    assertThat(page.stdout()).contains("Signature verified successfully with key");
    assertThat(Files.readString(work.resolve("trusted-keys.yaml")))
        .contains("name: treewave-trusted-keys")
        .contains("fleet.pub: |")
        .contains(publicKey)
        .doesNotContain(Files.readString(work.resolve("fleet.secret")).strip());

    try (StaticRepoServer server =
        StaticRepoServer.start(work.resolve("repo"), new InetSocketAddress("127.0.0.1", 0))) {
      Path mirror = work.resolve("mirror");
      ostree.ok(work, "init", "--repo=" + mirror, "--mode=archive");
      ostree.ok(
          work, "remote", "add", "--repo=" + mirror, "--no-gpg-verify", "fleet", server.url());
      ostree.ok(work, "pull", "--repo=" + mirror, "fleet", "fleet/x86_64/stable@" + v1);
      ostree.ok(work, "pull", "--repo=" + mirror, "fleet", "fleet/x86_64/stable");
      assertThat(
              ostree.ok(work, "rev-parse", "--repo=" + mirror, "fleet:fleet/x86_64/stable").strip())
          .isEqualTo(v2);
      ostree.ok(work, "fsck", "--repo=" + mirror);
      assertThat(
              ostree
                  .ok(work, "show", "--repo=" + mirror, "--print-metadata-key=version", v2)
                  .strip())
          .isEqualTo("'1.1'");
      assertThat(ostree.ok(work, "static-delta", "list", "--repo=" + work.resolve("repo")))
          .contains(v1 + "-" + v2);
    }
  }
}
