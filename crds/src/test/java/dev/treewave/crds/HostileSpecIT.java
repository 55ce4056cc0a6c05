package dev.treewave.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.testing.kube.ControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile OSImage specs (issue 21) sent to a real kube-apiserver with the committed CRDs by
 * server-side apply, which has no last-applied annotation to trip over: each is refused with 422
 * and the message a cluster admin reads names the field and the rule. What CEL cannot decide (IANA
 * time zones) is accepted here and refused by the operator (SpecValidatorTest,
 * MaintenanceWindowIT).
 */
class HostileSpecIT {
  private static final String BASE =
      """
      apiVersion: treewave.dev/v1alpha1
      kind: OSImage
      metadata: {name: NAME}
      spec:
        osName: fedora
        source: {url: "https://repo.example.com/ostree", ref: "fedora/41/x86_64"}
        verification: {mode: Disabled}
      """;
  private static final String MIB = "a".repeat(1 << 20);
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static ControlPlane plane;
  private static KubernetesClient client;

  @BeforeAll
  static void startAndInstall() throws IOException {
    plane = CommittedCrds.start("HostileSpecIT");
    client = plane.client();
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  static Stream<Arguments> hostileSpecs() {
    return Stream.of(
        row(
            "a 1 MiB kernel argument",
            s -> s.put("kernelArguments", Map.of("add", List.of(MIB))),
            "spec.kernelArguments.add[0]: Too long: may not be more than 4096 bytes"),
        row(
            "a 1 MiB ref",
            s -> source(s).put("ref", MIB),
            "spec.source.ref: Too long: may not be more than 256 bytes"),
        row(
            "100,000 kernel arguments",
            s -> s.put("kernelArguments", Map.of("add", Collections.nCopies(100_000, "quiet"))),
            "spec.kernelArguments.add: Too many: 100000: must have at most 128 items"),
        row(
            "a 1 MiB repository URL",
            s -> source(s).put("url", "https://r/" + MIB),
            "spec.source.url: Too long: may not be more than 2048 bytes"),
        row(
            "a kernel argument with a newline",
            s -> s.put("kernelArguments", Map.of("add", List.of("quiet\ninit=/bin/sh"))),
            "spec.kernelArguments.add: Invalid value: \"object\": each kernel argument must be"
                + " one word"),
        row(
            "a kernel argument with a space",
            s -> s.put("kernelArguments", Map.of("add", List.of("console=ttyS0 quiet"))),
            "each kernel argument must be one word (key or key=value): no spaces"),
        row(
            "an empty kernel argument",
            s -> s.put("kernelArguments", Map.of("remove", List.of(""))),
            "spec.kernelArguments.remove[0]: Invalid value: \"\": spec.kernelArguments.remove[0]"
                + " in body should be at least 1 chars long"),
        row(
            "a 0s maintenance window",
            s -> s.put("maintenanceWindows", List.of(window(List.of("Sat"), "0s"))),
            "spec.maintenanceWindows[0].duration: Invalid value: \"object\": duration must be"
                + " from 1m to 168h"),
        row(
            "a week-long-plus maintenance window",
            s -> s.put("maintenanceWindows", List.of(window(List.of("Sat"), "999999h"))),
            "duration must be from 1m to 168h (the week the window repeats in)"),
        row(
            "duplicate weekdays",
            s -> s.put("maintenanceWindows", List.of(window(List.of("Sat", "Sun", "Sat"), "4h"))),
            "spec.maintenanceWindows[0].days: Invalid value: \"object\": days must name each day"
                + " at most once"),
        row(
            "more than seven days",
            s ->
                s.put(
                    "maintenanceWindows",
                    List.of(
                        window(
                            List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mon"),
                            "4h"))),
            "spec.maintenanceWindows[0].days: Too many: 8: must have at most 7 items"),
        row(
            "drain.timeout 999999h",
            s -> s.put("drain", Map.of("timeout", "999999h")),
            "spec.drain.timeout: Invalid value: \"object\": timeout must be from 1s to 24h"),
        row(
            "drain.timeout 0s",
            s -> s.put("drain", Map.of("timeout", "0s")),
            "spec.drain.timeout: Invalid value: \"object\": timeout must be from 1s to 24h"),
        row(
            "a duration too long to be read",
            s -> s.put("drain", Map.of("timeout", "1h1h1h1h1h1h1h1h1h")),
            "spec.drain.timeout: Too long: may not be more than 16 bytes"),
        row(
            "health.timeout 0s",
            s -> s.put("health", Map.of("timeout", "0s")),
            "spec.health.timeout: Invalid value: \"object\": timeout must be from 1s to 24h"),
        row(
            "a stable period no node can reach",
            s -> s.put("health", Map.of("timeout", "5m", "stablePeriod", "10m")),
            "spec.health.stablePeriod: Invalid value: \"object\": stablePeriod must be shorter"
                + " than timeout"),
        row(
            "stuckNodes.stageTimeout 0s",
            s -> s.put("stuckNodes", Map.of("stageTimeout", "0s")),
            "spec.stuckNodes.stageTimeout: Invalid value: \"object\": stageTimeout must be from"
                + " 1s to 168h"),
        row(
            "stuckNodes.agentSilenceTimeout 999999h",
            s -> s.put("stuckNodes", Map.of("agentSilenceTimeout", "999999h")),
            "agentSilenceTimeout must be from 1s to 24h"),
        row(
            "a pause of 999999h",
            s ->
                s.put(
                    "rollout",
                    Map.of(
                        "waves",
                        List.of(Map.of("nodes", 1, "pauseAfter", Map.of("duration", "999999h"))))),
            "duration must be from 1s to 720h (30 days); for longer, use untilResumed: true"),
        row(
            "nodeSelector operator Bogus",
            s ->
                s.put(
                    "nodeSelector",
                    Map.of(
                        "matchExpressions",
                        List.of(
                            Map.of("key", "pool", "operator", "Bogus", "values", List.of("a"))))),
            "spec.nodeSelector.matchExpressions[0].operator: Unsupported value: \"Bogus\":"
                + " supported values: \"DoesNotExist\", \"Exists\", \"In\", \"NotIn\""),
        row(
            "In without values",
            s ->
                s.put(
                    "nodeSelector",
                    Map.of("matchExpressions", List.of(Map.of("key", "pool", "operator", "In")))),
            "values must be non-empty for In and NotIn, and empty for Exists and DoesNotExist"),
        row(
            "an invalid label key in matchLabels",
            s -> s.put("nodeSelector", Map.of("matchLabels", Map.of("pool name!", "worker"))),
            "spec.nodeSelector.matchLabels: Invalid value: \"object\": label keys must be an"
                + " optional DNS subdomain and '/'"),
        row(
            "an invalid label key in matchExpressions",
            s ->
                s.put(
                    "nodeSelector",
                    Map.of(
                        "matchExpressions", List.of(Map.of("key", "-pool", "operator", "Exists")))),
            "spec.nodeSelector.matchExpressions[0].key: Invalid value: \"object\": label keys"
                + " must be"),
        row(
            "an invalid label value",
            s -> s.put("nodeSelector", Map.of("matchLabels", Map.of("pool", "a b"))),
            "spec.nodeSelector.matchLabels: Invalid value: \"object\": label values must be"
                + " empty or at most 63"),
        row(
            "an invalid label key in a health pod selector",
            s ->
                s.put(
                    "health",
                    Map.of("podSelectors", List.of(Map.of("matchLabels", Map.of("/app", "cni"))))),
            "spec.health.podSelectors[0].matchLabels: Invalid value: \"object\": label keys"),
        row(
            "drain skip selector with operator Bogus",
            s ->
                s.put(
                    "drain",
                    Map.of(
                        "skipPodSelectors",
                        List.of(
                            Map.of(
                                "matchExpressions",
                                List.of(Map.of("key", "app", "operator", "Bogus")))))),
            "spec.drain.skipPodSelectors[0].matchExpressions[0].operator: Unsupported value:"
                + " \"Bogus\""),
        row(
            "wave nodes 9223372036854775807",
            s -> s.put("rollout", Map.of("waves", List.of(Map.of("nodes", Long.MAX_VALUE)))),
            "spec.rollout.waves[0]: Invalid value: \"object\": nodes must be a node count from 1"
                + " to 100000 or a percentage from 1% to 100%"),
        row(
            "maxUnavailable 9223372036854775807",
            s -> s.put("rollout", Map.of("maxUnavailable", Long.MAX_VALUE)),
            "maxUnavailable must be a node count from 1 to 100000"),
        row(
            "maxFailedNodes 9223372036854775807",
            s -> s.put("failurePolicy", Map.of("maxFailedNodes", Long.MAX_VALUE)),
            "spec.failurePolicy.maxFailedNodes: Invalid value: 9223372036854775807:"
                + " spec.failurePolicy.maxFailedNodes in body should be less than or equal to"
                + " 100000"),
        row(
            "a URL with a password",
            s -> source(s).put("url", "https://admin:hunter2@repo.example.com/ostree"),
            "spec.source.url: Invalid value: \"object\": url must not contain credentials"
                + " (user:password@): anyone who can read OSImages would read them; keep"
                + " credentials in a Secret, never in the spec"),
        row(
            "a URL with a user name",
            s -> source(s).put("url", "http://deploy@repo.example.com/ostree"),
            "url must not contain credentials"),
        row(
            "a URL without a host",
            s -> source(s).put("url", "https:///ostree"),
            "spec.source.url: Invalid value: \"object\": url must be an absolute http:// or"
                + " https:// URL with a host"),
        row(
            "a key reference to a name too long for Kubernetes",
            s ->
                s.put(
                    "verification",
                    Map.of(
                        "mode",
                        "GPG",
                        "keys",
                        List.of(
                            Map.of(
                                "configMapRef",
                                Map.of("namespace", "a", "name", "k".repeat(300), "key", "k"))))),
            "spec.verification.keys[0].configMapRef.name: Too long: may not be more than 253"
                + " bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileSpecs")
  void refusesHostileSpecsAppliedServerSide(
      String why, Consumer<Map<String, Object>> change, String message) {
    GenericKubernetesResource image = base();
    change.accept(spec(image));

    assertThatThrownBy(() -> apply(image))
        .as(why)
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(message)
        .hasMessageNotContaining("last-applied");
    assertThat(
            client.genericKubernetesResources("treewave.dev/v1alpha1", "OSImage").list().getItems())
        .extracting(o -> o.getMetadata().getName())
        .doesNotContain(image.getMetadata().getName());
  }

  @Test
  void acceptsTimeZonesCelCannotJudgeLeavingThemToTheOperator() {
    GenericKubernetesResource image = base();
    Map<String, Object> window = window(List.of("Sat"), "4h");
    window.put("timeZone", "Mars/Olympus_Mons");
    spec(image).put("maintenanceWindows", List.of(window));

    assertThat(apply(image).getMetadata().getUid()).isNotEmpty();
  }

  @Test
  void acceptsSpecsAtTheLimits() {
    GenericKubernetesResource image = base();
    Map<String, Object> spec = spec(image);
    spec.put(
        "kernelArguments",
        Map.of(
            "add", Collections.nCopies(128, "x".repeat(4096)),
            "remove", List.of("quiet", "rd.luks.uuid=0a-1b")));
    source(spec).put("ref", "r".repeat(256));
    source(spec).put("url", "http://127.0.0.1:8080/" + "p".repeat(2000));
    spec.put(
        "nodeSelector",
        Map.of(
            "matchLabels", Map.of("node-role.kubernetes.io/worker", "", "pool", "a-b_c.d"),
            "matchExpressions",
                List.of(
                    Map.of("key", "example.com/tier", "operator", "NotIn", "values", List.of("x")),
                    Map.of("key", "gpu", "operator", "DoesNotExist"))));
    spec.put("drain", Map.of("timeout", "24h", "gracePeriodSeconds", 86400));
    spec.put("health", Map.of("timeout", "1s", "stablePeriod", "0s"));
    spec.put("stuckNodes", Map.of("stageTimeout", "168h", "agentSilenceTimeout", "1s"));
    spec.put(
        "maintenanceWindows",
        List.of(window(List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), "168h")));
    spec.put(
        "rollout",
        Map.of(
            "waves",
            List.of(Map.of("nodes", 100_000, "pauseAfter", Map.of("duration", "720h"))),
            "maxUnavailable",
            100_000,
            "maxConcurrentStaging",
            "100%"));
    spec.put("failurePolicy", Map.of("maxFailedNodes", 100_000));

    assertThat(apply(image).getMetadata().getUid()).isNotEmpty();
  }

  @Test
  void theKindDemoManifestStillApplies() throws IOException {
    String yaml =
        Files.readString(Path.of(System.getProperty("examples.osimage")))
            .replace("\"COMMIT\"", "\"" + "c".repeat(64) + "\"");
    GenericKubernetesResource image =
        Serialization.unmarshal(yaml, GenericKubernetesResource.class);

    assertThat(apply(image).getMetadata().getUid()).isNotEmpty();
  }

  private static GenericKubernetesResource apply(GenericKubernetesResource image) {
    return client
        .resource(image)
        .fieldManager("hostile-spec-it")
        .forceConflicts()
        .serverSideApply();
  }

  private static Arguments row(
      String why, Consumer<Map<String, Object>> change, String expectedMessage) {
    return Arguments.of(why, change, expectedMessage);
  }

  private static GenericKubernetesResource base() {
    GenericKubernetesResource image =
        Serialization.unmarshal(
            BASE.replace("NAME", "hostile-" + NAMES.incrementAndGet()),
            GenericKubernetesResource.class);
    // Mutable copies, so each row changes only its own object.
    Map<String, Object> spec = new java.util.LinkedHashMap<>(spec(image));
    spec.put("source", new java.util.LinkedHashMap<>(source(spec)));
    image.getAdditionalProperties().put("spec", spec);
    return image;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource image) {
    return (Map<String, Object>) image.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> source(Map<String, Object> spec) {
    return (Map<String, Object>) spec.get("source");
  }

  private static Map<String, Object> window(List<String> days, String duration) {
    Map<String, Object> window = new java.util.LinkedHashMap<>();
    window.put("days", new ArrayList<>(days));
    window.put("start", "02:00");
    window.put("duration", duration);
    return window;
  }
}
