package dev.treewave.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.agent.metrics.AgentMetrics;
import dev.treewave.agent.state.Action;
import dev.treewave.agent.state.AgentState;
import dev.treewave.agent.state.FailureReason;
import dev.treewave.agent.state.InstructionRef;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(HealthServer server, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probesFollowTheirChecks() throws Exception {
    AtomicBoolean live = new AtomicBoolean(true);
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server =
        new HealthServer("127.0.0.1", 0, live::get, ready::get, () -> "m 1\n")) {
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);

      ready.set(true);
      live.set(false);

      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(503);
      HttpResponse<String> post =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void metricsAreServedInPrometheusFormat() throws Exception {
    AgentMetrics metrics = new AgentMetrics("worker-1");
    InstructionRef ref = new InstructionRef("a1", Action.ACTIVATE, "b".repeat(64));
    metrics.stateChanged(
        new AgentState.Rebooting(ref, "b".repeat(64), "boot", java.time.Instant.EPOCH));
    metrics.pullFinished(4096, Duration.ofSeconds(2));
    metrics.stageFinished(Duration.ofMillis(300));
    metrics.rebootRequested();
    metrics.failed(FailureReason.SIGNATURE_INVALID);

    try (HealthServer server =
        new HealthServer("127.0.0.1", 0, () -> true, () -> true, metrics::scrape)) {
      HttpResponse<String> response = get(server, "/metrics");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      assertThat(response.body())
          .contains("treewave_agent_state{node=\"worker-1\",state=\"Rebooting\"} 1")
          .contains("treewave_agent_state{node=\"worker-1\",state=\"Idle\"} 0")
          .contains("treewave_agent_pull_bytes_total{node=\"worker-1\"} 4096")
          .contains("treewave_agent_pull_duration_seconds_count{node=\"worker-1\"} 1")
          .contains("treewave_agent_stage_duration_seconds_count{node=\"worker-1\"} 1")
          .contains("treewave_agent_reboots_total{node=\"worker-1\"} 1")
          .contains(
              "treewave_agent_failures_total{node=\"worker-1\",reason=\"SignatureInvalid\"} 1")
          .contains("treewave_agent_failures_total{node=\"worker-1\",reason=\"PullFailed\"} 0")
          .contains("jvm_memory_used_bytes");
    }
  }
}
