package dev.treewave.e2e;

import dev.treewave.testing.Processes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real Kind cluster made by the {@code e2e-kind/kind/*.sh} scripts, the way a user makes one:
 * {@code up.sh} (offline by default: the node image and kind CLI of {@code kind/offline/build.sh},
 * dockerd started and later stopped by the scripts), {@code images.sh}, {@code prepare-nodes.sh},
 * {@code down.sh}. This class only runs those scripts with the environment that points them at one
 * work directory and cluster name, and runs {@code docker} for what a test inspects inside a node.
 */
public final class KindCluster implements AutoCloseable {

  /** The sysroot each node's agent manages (values-kind.yaml's agent.hostRoot). */
  public static final String SYSROOT = "/var/lib/treewave-kind/host";

  private final Path repoRoot;
  private final Path work;
  private final String name;
  private final Map<String, String> env;
  private final Consumer<String> log;
  private KubernetesClient client;
  private boolean up;

  private KindCluster(Path repoRoot, Path work, String name, Path config, Consumer<String> log) {
    this.repoRoot = repoRoot;
    this.work = work;
    this.name = name;
    this.log = log;
    this.env =
        Map.of(
            "TREEWAVE_KIND_WORK", work.toString(),
            "TREEWAVE_KIND_CLUSTER", name,
            "TREEWAVE_KIND_CONFIG", config.toString(),
            "TREEWAVE_KUBECONFIG", work.resolve("kubeconfig").toString(),
            "TREEWAVE_KIND_OFFLINE", System.getenv().getOrDefault("TREEWAVE_KIND_OFFLINE", "1"));
  }

  /**
   * Why a Kind cluster cannot be made here, or empty: Kind needs a Docker daemon, which the scripts
   * start themselves only as root with dockerd installed.
   */
  public static String unavailableReason() {
    boolean root = "root".equals(System.getProperty("user.name"));
    boolean dockerd = onPath("dockerd");
    boolean docker = onPath("docker");
    if (!docker) {
      return "no docker CLI on PATH (bin/setup installs docker.io)";
    }
    if (!root || !dockerd) {
      try {
        if (Processes.run(new ProcessBuilder("docker", "version"), Duration.ofSeconds(20))
                .exitCode()
            == 0) {
          return "";
        }
      } catch (IOException | RuntimeException e) {
        // falls through to the reason below
      }
      return root
          ? "no Docker daemon answers and dockerd is not installed"
          : "no Docker daemon answers, and starting dockerd needs root";
    }
    return "";
  }

  private static boolean onPath(String command) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }

  /**
   * Creates the cluster from the Kind cluster config {@code configYaml} in a new folder under
   * {@code e2e-kind/target} (so {@code mvn clean} removes what it leaves); returns once it is
   * Ready.
   */
  public static KindCluster createUnderTarget(
      Path repoRoot, String name, String configYaml, Consumer<String> log) throws IOException {
    Path work = Files.createTempDirectory(repoRoot.resolve("e2e-kind/target"), name + "-");
    Path config = work.resolve("cluster.yaml");
    Files.writeString(config, configYaml);
    return create(repoRoot, work.resolve("kind"), name, config, log);
  }

  /** Creates the cluster with {@code config} (a Kind cluster config); returns once it is Ready. */
  public static KindCluster create(
      Path repoRoot, Path work, String name, Path config, Consumer<String> log) throws IOException {
    Files.createDirectories(work);
    KindCluster cluster = new KindCluster(repoRoot, work, name, config, log);
    cluster.up = true;
    try {
      cluster.script("up.sh", Duration.ofMinutes(45));
      cluster.client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(work.resolve("kubeconfig"))))
              .build();
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  public KubernetesClient client() {
    return client;
  }

  public String kubeconfigYaml() throws IOException {
    return Files.readString(work.resolve("kubeconfig"));
  }

  public Path work() {
    return work;
  }

  public String controlPlaneNode() {
    return name + "-control-plane";
  }

  /** The node containers' names, as {@code kind get nodes} lists them. */
  public List<String> nodes() throws IOException {
    return List.of(kind("get", "nodes", "--name", name).strip().split("\\s+"));
  }

  /** Runs one of the {@code kind/} scripts with this cluster's environment. */
  public String script(String script, Duration timeout, String... envPairs) throws IOException {
    List<String> cmd =
        List.of("bash", repoRoot.resolve("e2e-kind/kind").resolve(script).toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repoRoot.toFile());
    pb.environment().putAll(env);
    for (int i = 0; i + 1 < envPairs.length; i += 2) {
      pb.environment().put(envPairs[i], envPairs[i + 1]);
    }
    long t0 = System.nanoTime();
    Processes.Result r = Processes.run(pb, timeout);
    log.accept(
        String.format(
            "%s exited %d after %.1f s%n%s%s",
            script,
            r.exitCode(),
            (System.nanoTime() - t0) / 1e9,
            r.stdout().strip(),
            r.stderr().isBlank() ? "" : "\n" + r.stderr().strip()));
    if (r.exitCode() != 0) {
      throw new AssertionError(script + " failed (exit " + r.exitCode() + "): " + r.stderr());
    }
    return r.stdout();
  }

  /** {@code docker exec NODE ARGS...}; its stdout. */
  public String exec(String node, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("docker", "exec", node));
    cmd.addAll(List.of(args));
    return Processes.check(new ProcessBuilder(cmd), Duration.ofMinutes(2)).stdout();
  }

  public void docker(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Processes.check(new ProcessBuilder(cmd), Duration.ofMinutes(5));
  }

  private String kind(String... args) throws IOException {
    // up.sh put the offline kind CLI's directory here when it chose the offline path
    Path offlineDir = work.resolve("offline-dir");
    String kind =
        Files.exists(offlineDir)
            ? Path.of(Files.readString(offlineDir).strip(), "bin/kind").toString()
            : "kind";
    List<String> cmd = new ArrayList<>(List.of(kind));
    cmd.addAll(List.of(args));
    return Processes.check(new ProcessBuilder(cmd), Duration.ofMinutes(2)).stdout();
  }

  /**
   * The logs of every pod in {@code namespace} (and each one's previous container, if any): what a
   * failed test attaches to its output.
   */
  public String podLogs(String namespace) {
    if (client == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    try {
      for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
        String name = p.getMetadata().getName();
        for (boolean previous : new boolean[] {true, false}) {
          try {
            var pod = client.pods().inNamespace(namespace).withName(name);
            String log = previous ? pod.terminated().getLog() : pod.getLog();
            out.append(
                String.format(
                    "----- %s %s (%s) -----%n%s%n",
                    previous ? "previous log of" : "log of", name, p.getSpec().getNodeName(), log));
          } catch (RuntimeException e) {
            if (!previous) {
              out.append(String.format("----- no log of %s: %s%n", name, e.getMessage()));
            }
          }
        }
      }
    } catch (RuntimeException e) {
      out.append("could not list the pods for their logs: " + e.getMessage() + "\n");
    }
    return out.toString();
  }

  /** Deletes the cluster and stops the Docker daemon if up.sh started it ({@code down.sh}). */
  @Override
  public void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (up) {
      up = false;
      try {
        script("down.sh", Duration.ofMinutes(5));
      } catch (IOException | RuntimeException | AssertionError e) {
        log.accept("down.sh failed: " + e.getMessage());
      }
    }
  }
}
