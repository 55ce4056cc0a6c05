package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The user's push command, {@code bin/build-images --push 127.0.0.1:PORT/treewave}, against a real
 * OCI distribution registry ({@link LocalRegistry}) over plain HTTP, which the command allows for a
 * loopback registry only. The base is this project's registry-free pair ({@code
 * images/local-base.sh} for amd64, {@code images/debian-base.sh} for arm64) put into the same
 * registry as one manifest list, so Jib pulls a multi-arch base by digest as it does from Docker
 * Hub. Read back through the registry's API: each image is one manifest list naming linux/amd64 and
 * linux/arm64 under the chart's appVersion, its digest is the one the command printed, and each
 * platform's config is of its architecture and of its image. A registry that is down: one line on
 * stderr, exit 1.
 */
class ImagesPushIT {
  private static final Path REPO = RepoScript.REPO;
  private static final Path IMAGES = REPO.resolve("helm/images");
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "treewave";

  @TempDir static Path work;

  private static LocalRegistry registry;
  private static String base;

  /** Image name (treewave-operator, treewave-node-agent) to NAME:TAG@DIGEST the command printed. */
  private static final Map<String, String> pushed = new HashMap<>();

  @BeforeAll
  static void startRegistryAndPush() throws IOException {
    RequiredTool.require("skopeo", "apt-get install skopeo");
    registry = LocalRegistry.start(work.resolve("registry"));
    base = pushBase();
    Processes.Result push = buildImages("--push", registry.address() + "/" + PREFIX);
    assertThat(push.exitCode()).as(push.stdout() + push.stderr()).isZero();
    Pattern reference =
        Pattern.compile(
            Pattern.quote(registry.address() + "/" + PREFIX + "/")
                + "([a-z-]+):([\\w.-]+)@(sha256:[0-9a-f]{64})");
    for (String line : push.stdout().strip().split("\n")) {
      Matcher matcher = reference.matcher(line);
      assertThat(matcher.matches()).as("bin/build-images printed: " + line).isTrue();
      pushed.put(matcher.group(1), line);
    }
    assertThat(pushed).containsOnlyKeys("treewave-operator", "treewave-node-agent");
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"treewave-operator", "treewave-node-agent"})
  void eachImageIsOneListOfBothPlatformsUnderTheChartsTag(String image) throws IOException {
    String line = pushed.get(image);
    String tag = line.substring(line.lastIndexOf(':', line.indexOf('@')) + 1, line.indexOf('@'));
    String printedDigest = line.substring(line.indexOf('@') + 1);
    assertThat(tag).isEqualTo(chartAppVersion());

    String repository = PREFIX + "/" + image;
    LocalRegistry.Manifest list = registry.manifest(repository, tag);
    assertThat(list.mediaType()).isIn(LocalRegistry.MANIFEST_LIST, LocalRegistry.OCI_INDEX);
    assertThat(list.digestHeader()).as("the registry's digest of the tag").isEqualTo(printedDigest);
    assertThat(LocalRegistry.sha256(list.body())).isEqualTo(printedDigest);

    List<String> platforms = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(list.body()).path("manifests")) {
      String arch = entry.at("/platform/architecture").asText();
      platforms.add(entry.at("/platform/os").asText() + "/" + arch);
      LocalRegistry.Manifest manifest =
          registry.manifest(repository, entry.path("digest").asText());
      assertThat(manifest.mediaType()).isEqualTo(entry.path("mediaType").asText());
      assertThat(LocalRegistry.sha256(manifest.body())).isEqualTo(entry.path("digest").asText());
      String configDigest = JSON.readTree(manifest.body()).at("/config/digest").asText();
      JsonNode config = JSON.readTree(registry.blob(repository, configDigest));
      assertThat(config.path("architecture").asText()).as(image + " " + arch).isEqualTo(arch);
      assertThat(config.path("os").asText()).isEqualTo("linux");
      assertThat(config.at("/config/Labels/org.opencontainers.image.title").asText())
          .as("the %s manifest is of %s", arch, image)
          .isEqualTo(image);
    }
    assertThat(platforms).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
  }

  @Test
  void aRegistryThatIsDownFailsInOneLine() throws IOException {
    String down = "127.0.0.1:" + LocalRegistry.freeLoopbackPort() + "/" + PREFIX;
    Processes.Result push = buildImages("--push", down);
    assertThat(push.exitCode()).as(push.stderr()).isEqualTo(1);
    assertThat(push.stdout()).isEmpty();
    assertThat(push.stderr().strip())
        .doesNotContain("\n")
        .startsWith("build-images: pushing to " + down + " failed: ")
        .contains("Connection refused")
        .doesNotContain("\tat ", "[Help");
  }

  /**
   * Puts the two single-architecture bases into the registry (skopeo from their docker-save
   * tarballs) and lists them as one manifest list; returns its reference by digest.
   */
  private static String pushBase() throws IOException {
    ArrayNode manifests = JSON.createArrayNode();
    for (String arch : List.of("amd64", "arm64")) {
      Path tar = work.resolve("base-" + arch + ".tar");
      if (arch.equals("amd64")) {
        check(IMAGES.resolve("local-base.sh").toString(), tar.toString());
      } else {
        check(IMAGES.resolve("debian-base.sh").toString(), tar.toString(), arch);
      }
      check(
          "skopeo",
          "copy",
          "--quiet",
          "--dest-tls-verify=false",
          "docker-archive:" + tar,
          "docker://" + registry.address() + "/jre:" + arch);
      LocalRegistry.Manifest manifest = registry.manifest("jre", arch);
      ObjectNode entry = manifests.addObject();
      entry.put("mediaType", manifest.mediaType());
      entry.put("digest", LocalRegistry.sha256(manifest.body()));
      entry.put("size", manifest.body().length);
      entry.putObject("platform").put("architecture", arch).put("os", "linux");
    }
    ObjectNode list = JSON.createObjectNode();
    list.put("schemaVersion", 2).put("mediaType", LocalRegistry.MANIFEST_LIST);
    list.set("manifests", manifests);
    String digest =
        registry.putManifest(
            "jre", "17", LocalRegistry.MANIFEST_LIST, JSON.writeValueAsBytes(list));
    return registry.address() + "/jre@" + digest;
  }

  private static Processes.Result buildImages(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(REPO.resolve("bin/build-images").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--base", base));
    ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile());
    builder.environment().put("TREEWAVE_CACHE", System.getProperty("treewave.cache"));
    builder.environment().put("TMPDIR", work.toString()); // where a failed push keeps its log
    return Processes.run(builder, TIMEOUT);
  }

  private static void check(String... command) throws IOException {
    RepoScript.runChecked(TIMEOUT, command);
  }

  private static String chartAppVersion() throws IOException {
    return Chart.YAML
        .readTree(Chart.DIR.resolve("Chart.yaml").toFile())
        .path("appVersion")
        .asText();
  }
}
