package dev.treewave.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.agent.state.AgentState;
import dev.treewave.agent.state.NodeReport;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The heartbeat: an unchanged status is written again only after the heartbeat interval. */
@EnableKubernetesMockClient(crud = true)
class OsNodeStatusReporterTest {
  private static final String NODE = "worker-1";
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  KubernetesClient client;

  private Instant now = T0;

  private String lastSeen() {
    return client.resources(OSNode.class).withName(NODE).get().getStatus().lastSeen();
  }

  @Test
  void anIdleAgentRefreshesLastSeenEveryHeartbeatAndNotMoreOften() throws Exception {
    client
        .resource(
            new OSNode(
                NODE,
                new OSNodeSpec(
                    "img", "os", new ImageSource("http://r", "ref", null), null, null, null)))
        .create();
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now;
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    OsNodeStatusReporter reporter =
        new OsNodeStatusReporter(
            client,
            NODE,
            () -> client.resources(OSNode.class).withName(NODE).get(),
            clock,
            Duration.ofMinutes(2));
    NodeReport idle = new NodeReport(new AgentState.Idle(), null, null, null, null);

    reporter.report(idle);
    assertThat(lastSeen()).isEqualTo("2026-11-22T10:00:00Z");

    now = T0.plusSeconds(60);
    reporter.report(idle);
    assertThat(lastSeen())
        .as("nothing changed, within the heartbeat")
        .isEqualTo("2026-11-22T10:00:00Z");

    now = T0.plusSeconds(121);
    reporter.report(idle);
    assertThat(lastSeen()).as("the heartbeat").isEqualTo("2026-11-22T10:02:01Z");
  }
}
