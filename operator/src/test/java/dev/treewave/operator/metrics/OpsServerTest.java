package dev.treewave.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.NodeState;
import dev.treewave.operator.plan.NodeStep;
import dev.treewave.operator.plan.RolloutPlan;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(OpsServer server, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetricsAndProbesOnLoopback() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RolloutMetrics metrics = new RolloutMetrics(registry);
    metrics.record(
        "fedora",
        new RolloutPlan(
            RolloutPlan.Phase.ROLLING_OUT,
            1,
            List.of(),
            "",
            List.of(new NodeStep.Cordon("n2")),
            Map.of("n1", NodeState.UPDATED, "n2", NodeState.STAGED, "n3", NodeState.STAGED),
            new RolloutPlan.Counts(3, 2, 0, 1, 0, 0),
            List.of(),
            List.of(new RolloutPlan.Blocker("n4", "HealthGateFailed", "x")),
            null,
            null,
            null));
    AtomicBoolean ready = new AtomicBoolean(false);

    try (OpsServer server =
        new OpsServer(new InetSocketAddress("127.0.0.1", 0), registry, ready::get)) {
      String body = get(server, "/metrics").body();
      assertThat(body).contains("treewave_nodes{osimage=\"fedora\",state=\"staged\"} 2");
      assertThat(body).contains("treewave_nodes{osimage=\"fedora\",state=\"updated\"} 1");
      assertThat(body).contains("treewave_rollout_current_wave{osimage=\"fedora\"} 1");
      assertThat(body).contains("treewave_node_disruptions_total{osimage=\"fedora\"} 1");
      assertThat(body).contains("treewave_plan_passes_total{osimage=\"fedora\"} 1");
      assertThat(body)
          .contains(
              "treewave_node_failures_total{osimage=\"fedora\",reason=\"HealthGateFailed\"} 1");
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);
    }
  }
}
