package dev.treewave.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json turns typos and impossible combinations into an error before anything runs.
 */
class ValuesSchemaTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown top-level key            | oprator: {replicas: 2}                                 | oprator",
        "zero operator replicas           | operator: {replicas: 0}                                | replicas",
        "two replicas without leader lease| operator: {leaderElection: {enabled: false}}           | replicas",
        "unknown reboot strategy          | agent: {rebootStrategy: kexec}                         | rebootStrategy",
        "command strategy without command | agent: {rebootStrategy: command}                       | rebootCommand",
        "command without command strategy | agent: {rebootCommand: reboot}                         | rebootCommand",
        "relative host root               | agent: {hostRoot: host}                                | hostRoot",
        "key kind that is not a key store | agent: {trustedKeys: [{namespace: x, kind: Pod}]}      | kind",
        "bad digest                       | operator: {image: {digest: latest}}                    | digest",
        "bad pull policy                  | agent: {image: {pullPolicy: Sometimes}}                | pullPolicy",
        "port out of range                | operator: {metricsPort: 70000}                         | metricsPort",
        "bad stalled duration             | monitoring: {prometheusRule: {stalledFor: soon}}       | stalledFor",
        "string for a boolean             | agent: {runOnControlPlane: 'yes'}                      | runOnControlPlane",
        "trusted keys without names       | agent: {trustedKeys: [{namespace: x, kind: ConfigMap, names: []}]} | names",
        "trusted key name not a name      | agent: {trustedKeys: [{namespace: x, kind: Secret, names: [A/b]}]} | names",
        "string for forced drains         | operator: {drain: {allowForceDelete: 'yes'}}           | allowForceDelete",
        "ref poll not a duration          | operator: {refPollInterval: soon}                      | refPollInterval",
        "ref poll with a fraction         | operator: {refPollInterval: 1.5m}                      | refPollInterval",
        "unknown log format               | agent: {logFormat: logfmt}                             | logFormat",
      })
  void rejects(String what, String values, String mentioned) {
    assertThatThrownBy(() -> Chart.render(values))
        .as(what)
        .hasMessageContaining("schema")
        .hasMessageContaining(mentioned);
  }
}
