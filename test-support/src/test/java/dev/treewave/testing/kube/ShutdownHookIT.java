package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM that is told to stop (SIGTERM) while its control plane is open still stops every component:
 * the shutdown hook closes it.
 */
class ShutdownHookIT {

  @Test
  void sigtermToTheJvmStopsEveryComponent() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("treewave."))
        .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
    command.add(ControlPlaneMain.class.getName());
    command.add("--full");
    Process child =
        new ProcessBuilder(command)
            .directory(Path.of("").toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .start();
    try {
      URI apiServer = null;
      URI etcd = null;
      Path kubeconfig = null;
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = out.readLine()) != null; ) {
        System.out.println("child: " + line);
        if (line.startsWith("  api server: ")) {
          apiServer = URI.create(line.substring(14).trim());
        } else if (line.startsWith("  etcd:")) {
          etcd = URI.create(line.substring(7).trim());
        } else if (line.startsWith("  kubeconfig: ")) {
          kubeconfig = Path.of(line.substring(14).trim());
        } else if (line.contains("stop with Ctrl-C")) {
          break;
        }
      }
      assertThat(apiServer).as("the child printed its control plane").isNotNull();
      List<ProcessHandle> components = child.descendants().toList();
      assertThat(components).as("etcd, apiserver, controller-manager, scheduler, kwok").hasSize(5);
      assertThat(accepts(apiServer)).isTrue();

      child.destroy(); // SIGTERM
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM exits").isTrue();

      for (ProcessHandle component : components) {
        component.onExit().get(30, TimeUnit.SECONDS);
        assertThat(component.isAlive()).as(component.info().command().orElse("?")).isFalse();
      }
      assertThat(accepts(apiServer)).isFalse();
      assertThat(accepts(etcd)).isFalse();
      assertThat(kubeconfig).as("temp folder deleted").doesNotExist();
    } finally {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
    }
  }

  private static boolean accepts(URI uri) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
