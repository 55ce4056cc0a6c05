package dev.treewave.testing.qemu;

import dev.treewave.testing.Processes;
import dev.treewave.testing.kube.ControlPlane;
import io.fabric8.kubernetes.api.model.Node;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node agent for a {@link DebianTree} VM, as a tree to commit on top of it: the test JVM's
 * class path (which holds the agent) under {@code /usr/lib/treewave-agent}, a kubeconfig and a
 * systemd unit under {@code /usr/etc}, and the marker that keeps the machine running after its boot
 * proof. The guest reaches the test's kube-apiserver only as {@code https://kubernetes:6443} (a
 * name its certificate has, 10.0.2.100 in the tree's {@code /etc/hosts}), which {@link
 * #apiServerForward} forwards to 127.0.0.1.
 */
public final class AgentOverlay {

  private static final String GUEST_API = "https://kubernetes:6443";

  private AgentOverlay() {}

  /** The qemu {@code guestfwd} that takes the guest's 10.0.2.100:6443 to the API server. */
  public static String apiServerForward(int apiServerPort) {
    return "tcp:10.0.2.100:6443-cmd:socat - TCP:127.0.0.1:" + apiServerPort;
  }

  /** A host kubeconfig (server on 127.0.0.1) as the guest must see it. */
  public static String forGuest(String kubeconfig) {
    String guest =
        kubeconfig.replaceAll("server: https://127\\.0\\.0\\.1:\\d+", "server: " + GUEST_API);
    if (!guest.contains("server: " + GUEST_API)) {
      throw new IllegalArgumentException("the kubeconfig names no API server on 127.0.0.1");
    }
    return guest;
  }

  /**
   * The overlay of an agent that connects to {@code plane} as {@code serviceAccount} with a token
   * bound to {@code node}, keeps its journal on the VM's disk, reboots by {@code rebootStrategy}
   * and keeps its HTTP endpoints on the guest's loopback.
   */
  public static Path writeForNode(
      Path dir,
      ControlPlane plane,
      String namespace,
      String serviceAccount,
      Node node,
      String rebootStrategy)
      throws IOException {
    String kubeconfig =
        forGuest(
            Files.readString(plane.writeServiceAccountKubeconfig(namespace, serviceAccount, node)));
    return write(
        dir,
        node.getMetadata().getName(),
        kubeconfig,
        List.of(
            "--journal=/var/lib/treewave/agent-state.json",
            "--reboot-strategy=" + rebootStrategy,
            "--disk-reserve=1Mi",
            "--http-address=127.0.0.1",
            "--http-port=0"));
  }

  /**
   * Writes the overlay under {@code dir}: the agent of node {@code node}, connecting with {@code
   * guestKubeconfig}, run with {@code args} after its node name and host paths.
   */
  public static Path write(Path dir, String node, String guestKubeconfig, List<String> args)
      throws IOException {
    Path lib = Files.createDirectories(dir.resolve("usr/lib/treewave-agent"));
    List<String> classPath = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (!Files.exists(p)) {
        continue;
      }
      Path dest = lib.resolve(i++ + "-" + p.getFileName());
      Processes.check(
          new ProcessBuilder("cp", "-r", p.toString(), dest.toString()), Duration.ofMinutes(2));
      classPath.add("/usr/lib/treewave-agent/" + dest.getFileName());
    }
    Path etc = Files.createDirectories(dir.resolve("usr/etc/treewave"));
    Files.writeString(etc.resolve("kubeconfig"), guestKubeconfig);
    Files.writeString(etc.resolve("keep-running"), "");
    Path units = Files.createDirectories(dir.resolve("usr/etc/systemd/system"));
    Files.writeString(
        units.resolve("treewave-agent.service"),
        String.join(
            "\n",
            "[Unit]",
            "Description=treewave node agent",
            "After=treewave-net.service",
            "Wants=treewave-net.service",
            "[Service]",
            "Environment=KUBECONFIG=/etc/treewave/kubeconfig",
            "Restart=on-failure",
            "RestartSec=2",
            "ExecStart=/usr/bin/java -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -Xss256k"
                + " -cp "
                + String.join(":", classPath)
                + " dev.treewave.agent.AgentMain --node-name="
                + node
                + " --host-root=/ --proc=/proc "
                + String.join(" ", args),
            "StandardOutput=tty",
            "StandardError=tty",
            "TTYPath=/dev/ttyS0",
            "[Install]",
            "WantedBy=multi-user.target",
            ""));
    Path wants = Files.createDirectories(units.resolve("multi-user.target.wants"));
    Files.createSymbolicLink(
        wants.resolve("treewave-agent.service"),
        Path.of("/etc/systemd/system/treewave-agent.service"));
    return dir;
  }
}
