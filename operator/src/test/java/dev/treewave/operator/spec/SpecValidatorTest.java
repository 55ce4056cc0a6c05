package dev.treewave.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.api.v1alpha1.OSImage;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Collections;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's own check of an OSImage spec: what the CRD cannot judge (time zones), and the
 * CRD's limits again for specs stored before it was tightened. Each row is a spec the API server
 * may have let through and the message the admin then reads in the Stalled condition.
 */
class SpecValidatorTest {
  private static final String BASE =
      """
      apiVersion: treewave.dev/v1alpha1
      kind: OSImage
      metadata: {name: img}
      spec:
        osName: fedora
        source: {url: "https://repo.example.com/ostree", ref: "fedora/41/x86_64"}
        verification: {mode: Disabled}
      """;

  static Stream<Arguments> invalidSpecs() {
    String mib = "a".repeat(1 << 20);
    return Stream.of(
        Arguments.of(
            "a time zone on Mars",
            "  maintenanceWindows: [{days: [Sat], start: \"02:00\", duration: 4h,"
                + " timeZone: Mars/Olympus_Mons}]\n",
            "spec.maintenanceWindows[0].timeZone: \"Mars/Olympus_Mons\" is not an IANA time zone"),
        Arguments.of(
            "an offset past the clock",
            "  maintenanceWindows: [{days: [Sat], start: \"02:00\", duration: 4h,"
                + " timeZone: UTC+25}]\n",
            "spec.maintenanceWindows[0].timeZone: \"UTC+25\" is not an IANA time zone"),
        Arguments.of(
            "a 0s maintenance window",
            "  maintenanceWindows: [{days: [Sat], start: \"02:00\", duration: 0s}]\n",
            "spec.maintenanceWindows[0].duration: \"0s\" must be from 1m to 168h"),
        Arguments.of(
            "duplicate weekdays",
            "  maintenanceWindows: [{days: [Sat, Sat], start: \"02:00\", duration: 4h}]\n",
            "spec.maintenanceWindows[0].days: must name each day at most once"),
        Arguments.of(
            "drain.timeout 999999h",
            "  drain: {timeout: 999999h}\n",
            "spec.drain.timeout: \"999999h\" must be from 1s to 24h"),
        Arguments.of(
            "drain.timeout 0s", "  drain: {timeout: 0s}\n", "spec.drain.timeout: \"0s\" must be"),
        Arguments.of(
            "a duration too long to read",
            "  drain: {timeout: " + "9".repeat(40) + "h}\n",
            "spec.drain.timeout: 41 characters, at most 16 allowed"),
        Arguments.of(
            "stablePeriod not shorter than timeout",
            "  health: {timeout: 5m, stablePeriod: 5m}\n",
            "spec.health.stablePeriod: must be shorter than timeout"),
        Arguments.of(
            "stageTimeout 0s",
            "  stuckNodes: {stageTimeout: 0s}\n",
            "spec.stuckNodes.stageTimeout: \"0s\" must be from 1s to 168h"),
        Arguments.of(
            "a pause of 999999h",
            "  rollout: {waves: [{nodes: 1, pauseAfter: {duration: 999999h}}]}\n",
            "spec.rollout.waves[0].pauseAfter.duration: \"999999h\" must be from 1s to 720h"),
        Arguments.of(
            "nodeSelector operator Bogus",
            "  nodeSelector: {matchExpressions: [{key: pool, operator: Bogus, values: [a]}]}\n",
            "spec.nodeSelector.matchExpressions[0].operator: \"Bogus\" is not one of In, NotIn,"
                + " Exists, DoesNotExist"),
        Arguments.of(
            "In without values",
            "  nodeSelector: {matchExpressions: [{key: pool, operator: In}]}\n",
            "spec.nodeSelector.matchExpressions[0].values: must be non-empty for In and NotIn"),
        Arguments.of(
            "Exists with values",
            "  nodeSelector: {matchExpressions: [{key: pool, operator: Exists, values: [a]}]}\n",
            "and empty for Exists and DoesNotExist"),
        Arguments.of(
            "an invalid label key",
            "  nodeSelector: {matchLabels: {\"pool name!\": worker}}\n",
            "spec.nodeSelector.matchLabels: \"pool name!\" is not a label key"),
        Arguments.of(
            "an invalid label value in a health selector",
            "  health: {podSelectors: [{matchLabels: {app: \"a b\"}}]}\n",
            "spec.health.podSelectors[0].matchLabels[\"app\"]: \"a b\" is not a label value"),
        Arguments.of(
            "health selectors without namespaces (written before the CRD required them)",
            "  health: {podSelectors: [{matchLabels: {app: cni}}]}\n",
            "spec.health.namespaces: required with podSelectors"),
        Arguments.of(
            "a health namespace that is no namespace name",
            "  health: {podSelectors: [{matchLabels: {app: cni}}], namespaces: [Kube_System]}\n",
            "spec.health.namespaces[0]: \"Kube_System\" is not a namespace name"),
        Arguments.of(
            "a wave of 2^31-1 nodes",
            "  rollout: {waves: [{nodes: 2147483647}]}\n",
            "spec.rollout.waves[0].nodes: must be a node count from 1 to 100000 or a percentage,"
                + " not 2147483647"),
        Arguments.of(
            "a wave of 150%",
            "  rollout: {waves: [{nodes: \"150%\"}]}\n",
            "spec.rollout.waves[0].nodes: must be a node count from 1 to 100000 or a percentage"
                + " from 1% to 100%, not \"150%\""),
        Arguments.of(
            "a URL with a password",
            "  source: {url: \"https://admin:hunter2@repo.example.com/ostree\", ref: a}\n",
            "spec.source.url: must not contain credentials (user:password@)"),
        Arguments.of(
            "an ftp URL",
            "  source: {url: \"ftp://repo.example.com/ostree\", ref: a}\n",
            "spec.source.url: \"ftp://repo.example.com/ostree\" must be an absolute http:// or"
                + " https:// URL with a host"),
        Arguments.of(
            "a 1 MiB ref",
            "  source: {url: \"https://r\", ref: " + mib + "}\n",
            "spec.source.ref: 1048576 characters, at most 256 allowed"),
        Arguments.of(
            "a 1 MiB kernel argument",
            "  kernelArguments: {add: [" + mib + "]}\n",
            "spec.kernelArguments.add[0]: 1048576 characters, at most 4096 allowed"),
        Arguments.of(
            "100,000 kernel arguments",
            "  kernelArguments: {add: ["
                + String.join(",", Collections.nCopies(100_000, "q"))
                + "]}\n",
            "spec.kernelArguments.add: 100000 items, at most 128 allowed"),
        Arguments.of(
            "a kernel argument with a newline",
            "  kernelArguments: {add: [\"quiet\\ninit=/bin/sh\"]}\n",
            "spec.kernelArguments.add[0]: \"quiet\\x0ainit=/bin/sh\" must be one word"),
        Arguments.of(
            "a kernel argument with a space",
            "  kernelArguments: {remove: [\"console=ttyS0 quiet\"]}\n",
            "spec.kernelArguments.remove[0]: \"console=ttyS0 quiet\" must be one word"),
        Arguments.of(
            "an empty kernel argument",
            "  kernelArguments: {add: [\"\"]}\n",
            "spec.kernelArguments.add[0]: \"\" must be one word"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void refusesWithTheField(String why, String specTail, String message) {
    OSImage image = image(specTail);

    assertThatThrownBy(() -> SpecValidator.validate(image.getSpec()))
        .as(why)
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(4096));
    // The mapper the reconciler calls refuses it the same way, before any planning.
    assertThatThrownBy(() -> PolicyMapper.toPolicy(image))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(message);
  }

  @Test
  void namesSeveralProblemsAtOnceButABoundedNumber() {
    StringBuilder tail = new StringBuilder("  kernelArguments: {add: [");
    for (int i = 0; i < 100; i++) {
      tail.append(i == 0 ? "" : ",").append("\"a b\"");
    }
    tail.append("]}\n  drain: {timeout: 0s}\n");

    assertThatThrownBy(() -> SpecValidator.validate(image(tail.toString()).getSpec()))
        .satisfies(
            e ->
                assertThat(e.getMessage().split("; "))
                    .hasSize(SpecValidator.MAX_PROBLEMS)
                    .startsWith(
                        "spec.drain.timeout: \"0s\" must be from 1s to 24h: a drain that"
                            + " takes longer is stuck, not slow")
                    .endsWith(
                        "spec.kernelArguments.add[6]: \"a b\" must be one word (key or"
                            + " key=value): no spaces, tabs, newlines or other control"
                            + " characters"));
  }

  @Test
  void acceptsAFullSpecAndTheLimits() {
    String tail =
        """
          verification:
            mode: Ed25519
            keys: [{configMapRef: {namespace: treewave, name: keys, key: ed25519.pub}}]
          nodeSelector:
            matchLabels: {pool: worker, "node-role.kubernetes.io/worker": ""}
            matchExpressions:
              - {key: example.com/tier, operator: NotIn, values: [batch]}
              - {key: gpu, operator: DoesNotExist}
          rollout:
            waves:
              - {nodes: 1, pauseAfter: {untilResumed: true}}
              - {nodes: "25%", maxUnavailable: 2, pauseAfter: {duration: 720h}}
              - {nodes: 100000}
            maxUnavailable: "100%"
            maxConcurrentStaging: 100000
          drain: {timeout: 24h, gracePeriodSeconds: 86400, skipPodSelectors: [{matchLabels: {app: batch}}]}
          health: {timeout: 1s, stablePeriod: 0s, podSelectors: [{matchLabels: {app: cni}}], namespaces: [kube-system]}
          failurePolicy: {action: Rollback, maxFailedNodes: 100000}
          maintenanceWindows:
            - {days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], start: "02:00", duration: 168h, timeZone: America/Argentina/ComodRivadavia}
            - {days: [Sat], start: "23:59", duration: 1m}
          kernelArguments: {add: ["console=ttyS0,115200n8", "rd.luks.uuid=0a-1b"], remove: [quiet]}
          stuckNodes: {stageTimeout: 168h, agentSilenceTimeout: 1s, action: Skip}
        """;
    OSImage image = image(tail);

    assertThatCode(() -> SpecValidator.validate(image.getSpec())).doesNotThrowAnyException();
    assertThatCode(() -> PolicyMapper.toPolicy(image)).doesNotThrowAnyException();
  }

  @Test
  void quotesHostileValuesShortAndEscaped() {
    assertThat(SpecValidator.quote("a\nb")).isEqualTo("\"a\\x0ab\"");
    assertThat(SpecValidator.quote("x".repeat(1000))).hasSize(64 + 5);
    assertThat(SpecValidator.quote(null)).isEqualTo("null");
  }

  private static OSImage image(String specTail) {
    String yaml = BASE;
    if (specTail.contains("  source:")) {
      yaml =
          yaml.lines().filter(l -> !l.startsWith("  source:")).reduce("", (a, l) -> a + l + "\n");
    }
    if (specTail.contains("  verification:")) {
      yaml =
          yaml.lines()
              .filter(l -> !l.startsWith("  verification:"))
              .reduce("", (a, l) -> a + l + "\n");
    }
    return Serialization.unmarshal(yaml + specTail, OSImage.class);
  }
}
