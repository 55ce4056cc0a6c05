package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.treewave.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the Kind demo (e2e-kind/kind) applies, checked without a cluster: the cluster config, the
 * chart with the Kind values, the repository server, the OSImage against the CRD's schema, and the
 * scripts' syntax. The demo itself runs offline in e2e-kind's KindDemoE2E (root or Docker only).
 */
class KindFilesTest {
  static final Path KIND = Path.of(System.getProperty("kind.dir"));

  @Test
  void clusterHasAControlPlaneAndTwoWorkers() throws IOException {
    JsonNode cluster = Chart.YAML.readTree(KIND.resolve("cluster.yaml").toFile());
    assertThat(cluster.path("apiVersion").asText()).isEqualTo("kind.x-k8s.io/v1alpha4");
    List<String> roles = new ArrayList<>();
    cluster.path("nodes").forEach(n -> roles.add(n.path("role").asText()));
    assertThat(roles).containsExactly("control-plane", "worker", "worker");
  }

  @Test
  void chartRendersWithTheKindValues() throws IOException {
    Chart.Rendered rendered = Chart.render(Files.readString(KIND.resolve("values-kind.yaml")));
    JsonNode pod = rendered.one("DaemonSet", "tw-treewave-agent").at("/spec/template/spec");
    assertThat(pod.at("/containers/0/image").asText())
        .isEqualTo("ghcr.io/treewave/treewave-node-agent:kind");
    assertThat(pod.at("/containers/0/imagePullPolicy").asText()).isEqualTo("Never");
    assertThat(
            ChartTemplateTest.find(pod.path("volumes"), "name", "host")
                .at("/hostPath/path")
                .asText())
        .isEqualTo("/var/lib/treewave-kind/host");
    assertThat(pod.path("tolerations").toString())
        .contains("node-role.kubernetes.io/control-plane");
    assertThat(Chart.Rule.of(rendered.one("Role", "tw-treewave-agent-keys-0")))
        .containsExactly(Chart.Rule.of("", "configmaps", "get").named("treewave-demo-keys"));
  }

  @Test
  void repositoryServerIsADeploymentAndServiceInTheReleaseNamespace() throws IOException {
    List<JsonNode> docs =
        Chart.Rendered.parse(Files.readString(KIND.resolve("manifests/repo-server.yaml"))).docs();
    assertThat(docs)
        .extracting(d -> d.path("kind").asText())
        .containsExactly("Deployment", "Service");
    assertThat(docs).allMatch(d -> "treewave-system".equals(d.at("/metadata/namespace").asText()));
    assertThat(docs.get(1).at("/spec/selector/app.kubernetes.io~1name").asText())
        .isEqualTo(
            docs.get(0).at("/spec/template/metadata/labels/app.kubernetes.io~1name").asText());
  }

  @Test
  void repoShServesFromTheNodesOwnImageOffline() throws IOException {
    // repo.sh swaps exactly this line for the offline node's userland image: if the manifest's
    // image changed without repo.sh, the offline demo would try to pull it (KindDemoE2E).
    assertThat(Files.readString(KIND.resolve("manifests/repo-server.yaml")))
        .contains("\n          image: busybox:1.36\n");
    assertThat(Files.readString(KIND.resolve("repo.sh")))
        .contains("s#image: busybox:1.36#image: $server_image#")
        .contains("treewave.local/kind-cni:");
  }

  @Test
  void osImageFitsTheCrdSchemaAndPointsAtTheDemoRepository() throws IOException {
    JsonNode image = osImage();
    JsonNode crd =
        Chart.YAML.readTree(Chart.DIR.resolve("crd-files/osimages.treewave.dev-v1.yml").toFile());
    JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    List<String> problems = new ArrayList<>();
    check(image.path("spec"), schema.at("/properties/spec"), "spec", problems);
    assertThat(problems).isEmpty();
    assertThat(image.at("/spec/source/url").asText())
        .isEqualTo("http://treewave-demo-repo.treewave-system.svc/repo");
    assertThat(image.at("/spec/verification/keys/0/configMapRef/name").asText())
        .isEqualTo("treewave-demo-keys");
    assertThat(image.at("/spec/paused").asBoolean()).isTrue();
  }

  @Test
  void scriptsParse() throws Exception {
    try (Stream<Path> files = Files.list(KIND)) {
      List<Path> scripts = files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
      assertThat(scripts)
          .extracting(p -> p.getFileName().toString())
          .contains(
              "up.sh",
              "images.sh",
              "repo.sh",
              "prepare-nodes.sh",
              "install.sh",
              "rollout.sh",
              "down.sh",
              "demo.sh");
      for (Path script : scripts) {
        Processes.Result bash =
            Processes.run(
                new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true),
                Duration.ofSeconds(30));
        assertThat(bash.exitCode()).as(script + ": " + bash.stdout()).isZero();
      }
    }
  }

  /** The demo OSImage with a commit filled in, as rollout.sh applies it. */
  static JsonNode osImage() throws IOException {
    String text = Files.readString(KIND.resolve("manifests/osimage.yaml"));
    return Chart.YAML.readTree(text.replace("\"COMMIT\"", "\"" + "a".repeat(64) + "\""));
  }

  /** Structural check: every field exists in the schema, types and enums fit, required present. */
  private static void check(JsonNode value, JsonNode schema, String path, List<String> problems) {
    String type = schema.path("type").asText();
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!value.isInt() && !value.isTextual()) {
        problems.add(path + ": not an int or string");
      }
      return;
    }
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          problems.add(path + ": not an object");
          return;
        }
        schema
            .path("required")
            .forEach(
                r -> {
                  if (!value.has(r.asText())) {
                    problems.add(path + ": missing " + r.asText());
                  }
                });
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          JsonNode sub = schema.path("properties").path(field.getKey());
          if (sub.isMissingNode()) {
            problems.add(path + "." + field.getKey() + ": not in the CRD schema");
          } else {
            check(field.getValue(), sub, path + "." + field.getKey(), problems);
          }
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          problems.add(path + ": not an array");
          return;
        }
        int i = 0;
        for (JsonNode item : value) {
          check(item, schema.path("items"), path + "[" + i++ + "]", problems);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          problems.add(path + ": not a string");
        } else if (schema.has("enum")) {
          List<String> allowed = Chart.strings(schema.path("enum"));
          if (!allowed.contains(value.asText())) {
            problems.add(path + ": " + value.asText() + " not in " + allowed);
          }
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(path + ": not a boolean");
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          problems.add(path + ": not an integer");
        }
      }
      default -> {}
    }
  }
}
