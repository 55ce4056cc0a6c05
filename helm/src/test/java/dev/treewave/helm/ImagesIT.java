package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The user's image command, {@code bin/build-images --oci DIR}, on bases made without a registry
 * ({@code images/local-base.sh}: amd64 from this machine's JDK; {@code images/debian-base.sh}:
 * arm64 from Debian's arm64 .debs): for each image an OCI layout whose index names linux/amd64 and
 * linux/arm64, each manifest's config of its own architecture, each entry point started from the
 * unpacked layers (arm64 under qemu-user), and the chart's default references naming exactly what
 * the command built. Needs root ({@code unshare --root}), as CI runs.
 */
class ImagesIT {
  private static final Path REPO = RepoScript.REPO;
  private static final Path IMAGES = REPO.resolve("helm/images");
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REFERENCE =
      Pattern.compile("[a-z0-9.:-]+(?:/[a-z0-9._-]+)*/([a-z0-9-]+):[\\w.-]+@sha256:[0-9a-f]{64}");

  @TempDir static Path work;

  /** Image name (treewave-operator, treewave-node-agent) to NAME:TAG@DIGEST the command printed. */
  private static final Map<String, String> built = new HashMap<>();

  @BeforeAll
  static void buildBothArchitectures() throws IOException {
    assertThat(System.getProperty("user.name")).as("unshare --root needs root").isEqualTo("root");
    RequiredTool.require("qemu-aarch64-static", "apt-get install qemu-user-static");
    Path amd64 = work.resolve("base-amd64.tar");
    Path arm64 = work.resolve("base-arm64.tar");
    script(IMAGES.resolve("local-base.sh").toString(), amd64.toString());
    script(IMAGES.resolve("debian-base.sh").toString(), arm64.toString(), "arm64");
    String out =
        script(
            REPO.resolve("bin/build-images").toString(),
            "--oci",
            work.resolve("oci").toString(),
            "--base-amd64",
            "tar://" + amd64,
            "--base-arm64",
            "tar://" + arm64);
    for (String line : out.strip().split("\n")) {
      Matcher reference = REFERENCE.matcher(line);
      assertThat(reference.matches()).as("bin/build-images printed: " + line).isTrue();
      built.put(reference.group(1), line);
    }
    assertThat(built).containsOnlyKeys("treewave-operator", "treewave-node-agent");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"treewave-operator", "treewave-node-agent"})
  void oneIndexNamesBothPlatformsEachManifestOfItsArchitecture(String image) throws IOException {
    Path layout = unpack(image);
    JsonNode top = JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0);
    String digest = built.get(image).substring(built.get(image).indexOf('@') + 1);
    assertThat(top.path("digest").asText()).isEqualTo(digest);
    assertThat(top.at("/annotations/org.opencontainers.image.ref.name").asText())
        .isEqualTo(chartAppVersion());
    byte[] indexBytes = Files.readAllBytes(blob(layout, digest));
    assertThat(sha256(indexBytes)).as("the index blob is what its digest names").isEqualTo(digest);
    List<String> platforms = new ArrayList<>();
    for (JsonNode manifest : JSON.readTree(indexBytes).path("manifests")) {
      String arch = manifest.at("/platform/architecture").asText();
      platforms.add(manifest.at("/platform/os").asText() + "/" + arch);
      JsonNode m = JSON.readTree(blob(layout, manifest.path("digest").asText()).toFile());
      JsonNode config = JSON.readTree(blob(layout, m.at("/config/digest").asText()).toFile());
      assertThat(config.path("architecture").asText()).as(image + " " + arch).isEqualTo(arch);
      assertThat(config.path("os").asText()).isEqualTo("linux");
    }
    assertThat(platforms).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
  }

  @Test
  void theChartsDefaultReferencesAreWhatTheCommandBuilt() {
    Chart.Rendered defaults = Chart.render("");
    String operator =
        defaults
            .one("Deployment", "tw-treewave-operator")
            .at("/spec/template/spec/containers/0/image")
            .asText();
    String agent =
        defaults
            .one("DaemonSet", "tw-treewave-agent")
            .at("/spec/template/spec/containers/0/image")
            .asText();
    assertThat(operator).isEqualTo(withoutDigest(built.get("treewave-operator")));
    assertThat(agent).isEqualTo(withoutDigest(built.get("treewave-node-agent")));

    // Pinning the printed digest: the chart references repository@digest, the index itself.
    String digest = digestOf(built.get("treewave-operator"));
    String pinned =
        Chart.render("operator: {image: {digest: \"" + digest + "\"}}")
            .one("Deployment", "tw-treewave-operator")
            .at("/spec/template/spec/containers/0/image")
            .asText();
    assertThat(pinned).isEqualTo("ghcr.io/treewave/treewave-operator@" + digest);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "treewave-operator,   amd64, --help, Usage: treewave-operator",
    "treewave-operator,   arm64, --help, Usage: treewave-operator",
    "treewave-node-agent, amd64, --help, TREEWAVE_KEEP_DEPLOYMENTS",
    "treewave-node-agent, arm64, --help, TREEWAVE_KEEP_DEPLOYMENTS",
  })
  void entryPointRunsFromTheUnpackedLayers(String image, String arch, String arg, String says)
      throws IOException {
    Path tar = work.resolve("oci").resolve(image + ".tar");
    Processes.Result run =
        Processes.run(
            new ProcessBuilder(
                IMAGES.resolve("run-image.sh").toString(), "--arch", arch, tar.toString(), arg),
            TIMEOUT);
    String output = run.stdout() + run.stderr();
    assertThat(output).as(image + " on " + arch).contains(says).contains("arch=" + arch);
    assertThat(run.exitCode()).as(output).isZero();
  }

  private static String script(String... command) throws IOException {
    return RepoScript.runChecked(TIMEOUT, command);
  }

  private static Path unpack(String image) throws IOException {
    Path dir = work.resolve("layout-" + image);
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Path tar = work.resolve("oci").resolve(image + ".tar");
      Processes.check(
          new ProcessBuilder("tar", "-C", dir.toString(), "-xf", tar.toString()), TIMEOUT);
    }
    return dir;
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs").resolve(digest.replace(':', '/'));
  }

  private static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + java.util.HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String chartAppVersion() throws IOException {
    return Chart.YAML
        .readTree(Chart.DIR.resolve("Chart.yaml").toFile())
        .path("appVersion")
        .asText();
  }

  private static String withoutDigest(String reference) {
    return reference.substring(0, reference.indexOf('@'));
  }

  private static String digestOf(String reference) {
    return reference.substring(reference.indexOf('@') + 1);
  }
}
