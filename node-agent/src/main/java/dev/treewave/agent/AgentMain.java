package dev.treewave.agent;

import dev.treewave.agent.config.AgentConfig;
import dev.treewave.agent.config.AgentConfigParser;
import dev.treewave.agent.config.ConfigException;
import dev.treewave.agent.host.CommandRebooter;
import dev.treewave.agent.host.CommandRunner;
import dev.treewave.agent.host.HostManagementProbe;
import dev.treewave.agent.host.HostOs;
import dev.treewave.agent.host.HostOsException;
import dev.treewave.agent.host.NoRebooter;
import dev.treewave.agent.host.NotOstreeHost;
import dev.treewave.agent.host.Rebooter;
import dev.treewave.agent.host.ostree.OstreeHostOs;
import dev.treewave.ostree.sysroot.BootedSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
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

  /** A usage error (bad flag or value): as picocli, and the operator, exit with it. */
  static final int USAGE_ERROR = 2;

  /** The host cannot be opened (no boot id in the given /proc): a failure, not a usage error. */
  static final int HOST_ERROR = 1;

  public static void main(String[] args) throws Exception {
    PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
    PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
    int code = launch(System.getenv(), out, err, AgentMain::serve, args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The agent once configured and its host opened; returns when the pod is stopped. */
  interface Agent {
    void serve(AgentConfig config, HostOs host) throws Exception;
  }

  /**
   * Parses the arguments over this environment and starts the agent: {@code --help} prints the
   * flags (exit 0); a bad flag or value is one line on {@code err} (exit 2); a host that cannot be
   * opened is one line too (exit 1).
   */
  static int launch(
      Map<String, String> env, PrintWriter out, PrintWriter err, Agent agent, String... args)
      throws Exception {
    if (AgentConfigParser.helpRequested(args)) {
      out.print(AgentConfigParser.usage());
      out.flush();
      return 0;
    }
    AgentConfig config;
    try {
      config = AgentConfigParser.parse(env, args);
    } catch (ConfigException e) {
      err.println("treewave-node-agent: " + e.getMessage());
      return USAGE_ERROR;
    }
    HostOs host;
    try {
      host = openHost(config);
    } catch (ConfigException e) {
      err.println("treewave-node-agent: " + e.getMessage());
      return HOST_ERROR;
    }
    agent.serve(config, host);
    return 0;
  }

  private static void serve(AgentConfig config, HostOs host) throws Exception {
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
   * The host's OSTree system behind the {@link HostOs} port: {@link OstreeHostOs} over the host's
   * sysroot, or, on a host without {@code /ostree/repo}, a host that only reports itself unmanaged
   * (the agent keeps running so the OSNode says why nothing happens).
   */
  static HostOs openHost(AgentConfig config) throws ConfigException {
    Path hostRoot = config.hostRoot();
    Path proc = config.proc();
    String bootId;
    try {
      bootId = HostManagementProbe.bootId(proc);
    } catch (HostOsException e) {
      throw new ConfigException(e.getMessage());
    }
    if (!Files.isDirectory(hostRoot.resolve("ostree/repo"))) {
      return new NotOstreeHost(hostRoot.resolve("ostree/repo") + " does not exist", bootId);
    }
    // The host's /run and root are under the host mount; the kernel command line is the host's
    // (not namespaced), and names the booted deployment when the root mount does not.
    Path cmdline = proc.resolve("cmdline");
    return new OstreeHostOs(
        hostRoot,
        new BootedSource(hostRoot.resolve("run"), () -> readOrEmpty(cmdline), hostRoot),
        new HostManagementProbe(hostRoot, proc),
        () -> {
          try {
            return HostManagementProbe.bootId(proc);
          } catch (HostOsException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        });
  }

  private static String readOrEmpty(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
