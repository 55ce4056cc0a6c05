package dev.treewave.agent.bench;

import dev.treewave.agent.AgentRuntime;
import dev.treewave.agent.config.AgentConfig;
import dev.treewave.agent.config.AgentConfigParser;
import dev.treewave.agent.host.NoRebooter;
import dev.treewave.agent.testing.Crashpoints;
import dev.treewave.agent.testing.FakeHostOs;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The agent side of the footprint measurement (node-agent/bench/footprint.sh): the real agent
 * runtime (watch, loop, status reporter, HTTP server, metrics) against the API server at the given
 * URL, with an in-memory host that already booted the instruction's commit, so it stays idle. Runs
 * on the agent's runtime class path only (no mock server, no Netty).
 */
public final class FootprintAgent {

  static final String NODE = "bench-node";

  private FootprintAgent() {}

  public static void main(String[] args) throws Exception {
    Path hostRoot = Files.createTempDirectory("treewave-footprint");
    AgentConfig config =
        AgentConfigParser.parse(
            Map.of(),
            "--node-name=" + NODE,
            "--host-root=" + hostRoot,
            "--reboot-strategy=none",
            "--http-port=0");
    // TestNode's values, spelled out: TestNode itself needs test-support, not on this class path.
    FakeHostOs host = new FakeHostOs(new Crashpoints()).bootedFrom("debian", "a".repeat(64), 1);
    Config kube =
        new ConfigBuilder(Config.empty()).withMasterUrl(args[0]).withNamespace("default").build();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kube).build();
    AgentRuntime runtime =
        AgentRuntime.start(client, config, host, new NoRebooter(), Clock.systemUTC());
    System.out.println(
        "agent pid " + ProcessHandle.current().pid() + " http " + runtime.httpPort());
    System.out.flush();
    Thread.currentThread().join();
  }
}
