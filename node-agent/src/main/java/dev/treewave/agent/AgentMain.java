package dev.treewave.agent;

import dev.treewave.agent.config.AgentConfig;
import dev.treewave.agent.config.AgentConfigParser;
import dev.treewave.agent.config.ConfigException;
import dev.treewave.agent.host.CommandRebooter;
import dev.treewave.agent.host.CommandRunner;
import dev.treewave.agent.host.HostOs;
import dev.treewave.agent.host.NoRebooter;
import dev.treewave.agent.host.Rebooter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's entry point: reads the configuration (see {@link AgentConfigParser#usage()}),
 * connects to the API server with the pod's service account, and runs until the pod is stopped.
 */
public final class AgentMain {

  private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(AgentConfigParser.usage());
      return;
    }
    AgentConfig config;
    HostOs host;
    try {
      config = AgentConfigParser.parse(System.getenv(), args);
      host = openHost(config);
    } catch (ConfigException e) {
      System.err.println("treewave-node-agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    AgentRuntime runtime =
        AgentRuntime.start(client, config, host, rebooter(config), Clock.systemUTC());
    LOG.info(
        "treewave node agent for node {} started (host root {}, reboot strategy {}, http {}:{})",
        config.nodeName(),
        config.hostRoot(),
        config.rebootStrategy(),
        config.httpAddress(),
        runtime.httpPort());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    runtime.close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } finally {
                    client.close();
                    stopped.countDown();
                  }
                },
                "treewave-agent-shutdown"));
    stopped.await();
  }

  static Rebooter rebooter(AgentConfig config) {
    return switch (config.rebootStrategy()) {
      case SYSTEMD -> CommandRebooter.systemd(CommandRunner.processes());
      case COMMAND ->
          new CommandRebooter("command", config.rebootCommand(), CommandRunner.processes());
      case NONE -> new NoRebooter();
    };
  }

  /**
   * The host's OSTree system behind the {@link HostOs} port. The adapter over the {@code ostree/}
   * module's pull and sysroot code is not in this build yet, so the agent refuses to start rather
   * than pretend.
   */
  static HostOs openHost(AgentConfig config) throws ConfigException {
    throw new ConfigException(
        "this build has no OSTree host adapter yet (the HostOs implementation over the ostree"
            + " module's pull and sysroot APIs); cannot manage "
            + config.hostRoot());
  }
}
