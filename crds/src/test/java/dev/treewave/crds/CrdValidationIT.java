package dev.treewave.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.api.v1alpha1.FailureAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.StuckNodeAction;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.testing.kube.ControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRDs on a real kube-apiserver: they install (CEL cost budget included), reject
 * invalid OSImages and OSNodes with messages that name the field, and accept a full example.
 */
class CrdValidationIT {
  private static final String BASE =
      """
      apiVersion: treewave.dev/v1alpha1
      kind: OSImage
      metadata: {name: NAME}
      spec:
        osName: fedora
        source: {url: "https://repo.example.com/ostree", ref: "fedora/41/x86_64"}
      """;
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static ControlPlane plane;
  private static KubernetesClient client;

  @BeforeAll
  static void startAndInstall() throws IOException {
    plane = CommittedCrds.start("CrdValidationIT");
    client = plane.client();
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  static Stream<Arguments> invalidImages() {
    return Stream.of(
        Arguments.of(
            "commit must be 64 lower-case hex",
            "  verification: {mode: Disabled}\n  source: {url: \"https://r\", ref: a, commit: ABC123}\n",
            "spec.source.commit"),
        Arguments.of("verification cannot be left out", "", "spec.verification: Required value"),
        Arguments.of(
            "signature mode needs keys",
            "  verification: {mode: GPG}\n",
            "keys must name at least one trusted key"),
        Arguments.of(
            "Disabled takes no keys",
            "  verification: {mode: Disabled, keys: [{configMapRef: {namespace: a, name: b, key: c}}]}\n",
            "keys must name at least one trusted key"),
        Arguments.of(
            "a key comes from exactly one place",
            "  verification: {mode: GPG, keys: [{configMapRef: {namespace: a, name: b, key: c},"
                + " secretRef: {namespace: a, name: b, key: c}}]}\n",
            "set exactly one of secretRef and configMapRef"),
        Arguments.of(
            "percentages stop at 100",
            "  verification: {mode: Disabled}\n  rollout: {waves: [{nodes: \"150%\"}]}\n",
            "nodes must be a node count from 1 to 100000 or a percentage from 1% to 100%"),
        Arguments.of(
            "zero nodes is not a wave",
            "  verification: {mode: Disabled}\n  rollout: {waves: [{nodes: 0}]}\n",
            "nodes must be a node count from 1 to 100000"),
        Arguments.of(
            "maxUnavailable is a count or a percentage",
            "  verification: {mode: Disabled}\n  rollout: {maxUnavailable: \"ten\"}\n",
            "maxUnavailable must be a node count"),
        Arguments.of(
            "waves cannot be empty",
            "  verification: {mode: Disabled}\n  rollout: {waves: []}\n",
            "spec.rollout.waves"),
        Arguments.of(
            "waves or canary, not both",
            "  verification: {mode: Disabled}\n  rollout: {waves: [{nodes: 1}], canary: {nodes: 1}}\n",
            "set either waves or canary, not both"),
        Arguments.of(
            "a pause is timed or manual",
            "  verification: {mode: Disabled}\n"
                + "  rollout: {waves: [{nodes: 1, pauseAfter: {duration: 5m, untilResumed: true}}]}\n",
            "set exactly one of duration and untilResumed"),
        Arguments.of(
            "window times are HH:MM",
            "  verification: {mode: Disabled}\n"
                + "  maintenanceWindows: [{days: [Sat], start: \"25:00\", duration: 4h}]\n",
            "spec.maintenanceWindows[0].start"),
        Arguments.of(
            "window days are named",
            "  verification: {mode: Disabled}\n"
                + "  maintenanceWindows: [{days: [Someday], start: \"02:00\", duration: 4h}]\n",
            "Unsupported value: \"Someday\""),
        Arguments.of(
            "durations look like 10m",
            "  verification: {mode: Disabled}\n  drain: {timeout: soon}\n",
            "spec.drain.timeout"),
        Arguments.of(
            "stuck-node deadlines look like 10m",
            "  verification: {mode: Disabled}\n  stuckNodes: {agentSilenceTimeout: forever}\n",
            "spec.stuckNodes.agentSilenceTimeout"),
        Arguments.of(
            "a stuck node is skipped or stops the rollout",
            "  verification: {mode: Disabled}\n  stuckNodes: {action: Ignore}\n",
            "Unsupported value: \"Ignore\""),
        Arguments.of(
            "failure policy actions are Pause or Rollback",
            "  verification: {mode: Disabled}\n  failurePolicy: {action: Explode}\n",
            "Unsupported value: \"Explode\""),
        Arguments.of(
            "stateroot names are path-safe",
            "  verification: {mode: Disabled}\n  osName: ../etc\n",
            "spec.osName"),
        Arguments.of(
            "health pod selectors name the namespaces they look in",
            "  verification: {mode: Disabled}\n"
                + "  health: {podSelectors: [{matchLabels: {app: cni}}]}\n",
            "health.podSelectors needs health.namespaces"),
        Arguments.of(
            "health namespaces are namespace names",
            "  verification: {mode: Disabled}\n"
                + "  health: {podSelectors: [{matchLabels: {app: cni}}], namespaces: [Kube_System]}\n",
            "each namespace must be a DNS label"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidImages")
  void rejectsInvalidImages(String why, String specTail, String expected) {
    String base = BASE.replace("NAME", "bad-" + NAMES.incrementAndGet());
    // A case that sets osName or source replaces the base line instead of repeating the key.
    for (String key : List.of("  osName:", "  source:")) {
      if (specTail.contains(key)) {
        base = base.lines().filter(l -> !l.startsWith(key)).reduce("", (a, l) -> a + l + "\n");
      }
    }
    String yaml = base + specTail;
    GenericKubernetesResource image =
        Serialization.unmarshal(yaml, GenericKubernetesResource.class);

    assertThatThrownBy(() -> client.resource(image).create())
        .as(why)
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(expected);
  }

  @Test
  void acceptsAFullExampleAndReadsItBackUnchanged() {
    String yaml =
        BASE.replace("NAME", "fedora-41")
            + """
              verification:
                mode: Ed25519
                keys: [{configMapRef: {namespace: treewave, name: keys, key: ed25519.pub}}]
              nodeSelector: {matchLabels: {pool: worker}}
              rollout:
                waves:
                  - {nodes: 1, pauseAfter: {untilResumed: true}}
                  - {nodes: "25%", maxUnavailable: 2, pauseAfter: {duration: 30m}}
                maxUnavailable: "10%"
              drain: {timeout: 15m, skipPodSelectors: [{matchLabels: {app: batch}}], onTimeout: Force}
              health: {stablePeriod: 2m, podSelectors: [{matchLabels: {app: cni}}], namespaces: [kube-system]}
              failurePolicy: {action: Rollback, maxFailedNodes: 1}
              maintenanceWindows:
                - {days: [Sat, Sun], start: "02:00", duration: 4h, timeZone: Europe/Berlin}
              kernelArguments: {add: ["console=ttyS0"], remove: ["quiet"]}
              stuckNodes: {agentSilenceTimeout: 5m, action: Skip}
            """;
    OSImage sent = Serialization.unmarshal(yaml, OSImage.class);

    OSImage created = client.resource(sent).create();

    assertThat(created.getSpec().rolloutOrDefault().waves()).hasSize(2);
    assertThat(created.getSpec().verification().mode()).isEqualTo(VerificationMode.Ed25519);
    assertThat(created.getSpec().failurePolicy().action()).isEqualTo(FailureAction.Rollback);
    assertThat(created.getSpec().kernelArguments()).isEqualTo(sent.getSpec().kernelArguments());
    assertThat(created.getSpec().maintenanceWindows())
        .isEqualTo(sent.getSpec().maintenanceWindows());
    // Schema defaults are filled in by the API server where the spec left them out.
    assertThat(created.getSpec().rolloutOrDefault().prefetch()).isTrue();
    assertThat(created.getSpec().health().timeout()).isEqualTo("15m");
    assertThat(created.getSpec().stuckNodes().agentSilenceTimeout()).isEqualTo("5m");
    assertThat(created.getSpec().stuckNodes().stageTimeout()).isEqualTo("30m");
    assertThat(created.getSpec().stuckNodes().action()).isEqualTo(StuckNodeAction.Skip);
  }

  @Test
  void osNodeInstructionsNeedACommitUnlessNone() {
    String yaml =
        """
        apiVersion: treewave.dev/v1alpha1
        kind: OSNode
        metadata: {name: worker-1}
        spec:
          osImage: fedora-41
          osName: fedora
          source: {url: "https://r", ref: a}
          verification: {mode: Disabled}
          instruction: {id: activate-1, action: Activate}
        """;
    GenericKubernetesResource node = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    assertThatThrownBy(() -> client.resource(node).create())
        .hasMessageContaining("commit is required unless action is None");

    OSNode ok =
        client
            .resource(
                Serialization.unmarshal(
                    yaml.replace(
                        "action: Activate}", "action: Stage, commit: " + "e".repeat(64) + "}"),
                    OSNode.class))
            .create();
    assertThat(ok.getSpec().instruction().commit()).isEqualTo("e".repeat(64));
    assertThat(List.of(ok.getMetadata().getName())).containsExactly("worker-1");
  }
}
