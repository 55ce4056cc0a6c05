package dev.treewave.testing.kube;

import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the Go-built control plane lives: the {@code bin/} folder that {@code
 * e2e-kind/controlplane/build.sh} fills (kube-apiserver, kube-controller-manager, kube-scheduler,
 * kubectl, etcd, kwok).
 *
 * <p>Looked up in order: system property {@value #PROPERTY}, environment variable {@value #ENV},
 * else {@code build.sh --print-bin-dir} of the repository holding the working directory. The folder
 * counts only when the build finished (its {@code .complete} marker sits beside {@code bin/});
 * otherwise the caller gets {@link RequiredTool#missing} with the command that builds it.
 */
public record ControlPlaneBinaries(Path binDir) {

  public static final String PROPERTY = "treewave.controlplane.bin";
  public static final String ENV = "TREEWAVE_CONTROLPLANE_BIN";
  static final String CACHE_PROPERTY = "treewave.cache";
  static final String CACHE_ENV = "TREEWAVE_CACHE";
  static final String BUILD_SCRIPT = "e2e-kind/controlplane/build.sh";
  private static final String HINT =
      "run bin/setup (builds the control plane from Go modules, ~15 min once)";

  public Path etcd() {
    return binary("etcd");
  }

  public Path kubeApiServer() {
    return binary("kube-apiserver");
  }

  public Path kubeControllerManager() {
    return binary("kube-controller-manager");
  }

  public Path kubeScheduler() {
    return binary("kube-scheduler");
  }

  public Path kubectl() {
    return binary("kubectl");
  }

  public Path kwok() {
    return binary("kwok");
  }

  private Path binary(String name) {
    Path file = binDir.resolve(name);
    if (!Files.isExecutable(file)) {
      throw RequiredTool.missing(name + " is missing from " + binDir + "; " + HINT);
    }
    return file;
  }

  /** Finds the binaries or throws {@link RequiredTool#missing}. */
  public static ControlPlaneBinaries locate() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(ENV);
    }
    Path binDir;
    if (configured != null && !configured.isBlank()) {
      binDir = Path.of(configured).toAbsolutePath();
    } else {
      binDir = fromBuildScript();
    }
    if (!Files.isRegularFile(binDir.resolveSibling(".complete"))) {
      throw RequiredTool.missing(
          "the control plane binaries are not built (no "
              + binDir.resolveSibling(".complete")
              + "); "
              + HINT);
    }
    return new ControlPlaneBinaries(binDir);
  }

  private static Path fromBuildScript() {
    Path root = repositoryRoot(Path.of("").toAbsolutePath());
    if (root == null) {
      throw RequiredTool.missing(
          "cannot find the treewave repository (no .mvn/ above "
              + Path.of("").toAbsolutePath()
              + ") to locate the control plane; set -D"
              + PROPERTY
              + " or "
              + ENV
              + ", or "
              + HINT);
    }
    Path script = root.resolve(BUILD_SCRIPT);
    try {
      ProcessBuilder builder =
          new ProcessBuilder(List.of("bash", script.toString(), "--print-bin-dir"))
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      // The build's -Dtreewave.cache (parent pom) reaches the script as its env variable, unless
      // the environment already chose a cache.
      String cache = System.getProperty(CACHE_PROPERTY);
      if (System.getenv(CACHE_ENV) == null && cache != null && !cache.isBlank()) {
        builder.environment().put(CACHE_ENV, cache);
      }
      Processes.Result r;
      try {
        r = Processes.run(builder, Duration.ofSeconds(60));
      } catch (IllegalStateException timedOut) {
        throw RequiredTool.missing(script + " --print-bin-dir did not answer; " + HINT);
      }
      String out = r.stdout().trim();
      if (r.exitCode() != 0 || out.isEmpty()) {
        throw RequiredTool.missing(script + " --print-bin-dir failed; " + HINT);
      }
      return Path.of(out);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new IllegalStateException("interrupted while locating the control plane", e);
      }
      throw RequiredTool.missing("cannot run " + script + ": " + e.getMessage() + "; " + HINT);
    }
  }

  /** The nearest folder at or above {@code start} that holds {@code .mvn/}, or null. */
  static Path repositoryRoot(Path start) {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(".mvn"))) {
        return dir;
      }
    }
    return null;
  }
}
