package dev.treewave.agent.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.agent.testing.AgentRights;
import dev.treewave.agent.testing.OsNodes;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.WithControlPlane;
import dev.treewave.testing.qemu.BiosDisk;
import dev.treewave.testing.qemu.QemuVm;
import io.fabric8.kubernetes.api.model.Node;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent on a real machine: the Debian tree of {@code e2e-kind/vm/build-os.sh} plus the
 * agent's jars and a systemd unit, committed and deployed with {@code treewave-ostree}, booted
 * through GRUB in qemu. The agent's only way out of the VM is qemu's user network with {@code
 * restrict=on} and one {@code guestfwd} to this test's kube-apiserver on 127.0.0.1; its credentials
 * are a ServiceAccount token bound to its Node, with the chart's rights. It must report, in its
 * OSNode, the deployment the bootloader and {@code ostree-prepare-root} booted.
 */
@WithControlPlane(kwok = true)
class AgentInVmE2E {

  private static final String NAMESPACE = "treewave-system";
  private static final String AGENT_SA = "treewave-agent";
  private static final String OS = "debian";
  private static final String NODE = "vm-node-1";
  private static final long DISK = 2048L * 1024 * 1024;
  private static final Duration BOOT = Duration.ofMinutes(10);

  static ControlPlane plane;

  @TempDir Path temp;

  @AfterEach
  void unlock() throws IOException {
    // Deployments are immutable (chattr +i, as ostree makes them); @TempDir could not delete them.
    Processes.run(
        new ProcessBuilder("chattr", "-R", "-f", "-i", temp.toString()), Duration.ofMinutes(1));
  }

  @Test
  void theAgentInTheVmReportsTheBootedDeployment() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "debootstrap and chroot need root");
    RequiredTool.require("grub-mkimage", BiosDisk.HINT);
    Path tree = osTree();
    String kver = Files.readString(tree.resolveSibling("kver")).strip();
    QemuVm.Accel accel = QemuVm.accel(tree.resolve("usr/lib/modules/" + kver + "/vmlinuz"));

    AgentRights.install(plane, NAMESPACE, AGENT_SA, Map.of());
    Node node = plane.kwokNodes().createReady(NODE, Map.of());
    OsNodes.create(
        plane.client(),
        NODE,
        OsNodes.ed25519Spec(
            "debian",
            OS,
            new ImageSource("http://10.0.2.101:8080/repo", OS + "/stable", null),
            NAMESPACE,
            null));
    int apiPort = plane.apiServerUrl().getPort();
    // The guest reaches the API server as https://kubernetes:6443 (a name its certificate has,
    // 10.0.2.100 in the tree's /etc/hosts), forwarded by qemu to 127.0.0.1.
    String kubeconfig =
        Files.readString(plane.writeServiceAccountKubeconfig(NAMESPACE, AGENT_SA, node))
            .replaceAll("server: https://127\\.0\\.0\\.1:\\d+", "server: https://kubernetes:6443");
    assertThat(kubeconfig).contains("server: https://kubernetes:6443");

    Path overlay = agentOverlay(kubeconfig);
    Path root = temp.resolve("sysroot");
    Path repo = root.resolve("ostree/repo");
    Files.createDirectories(root);
    ours("admin", "init-fs", root.toString());
    ours("admin", "os-init", "--sysroot=" + root, OS);
    Files.createDirectories(root.resolve("boot/grub"));
    Files.createSymbolicLink(root.resolve("boot/grub/grub.cfg"), Path.of("../loader/grub.cfg"));
    String v1 =
        ours(
                "--repo=" + repo,
                "commit",
                "--branch=" + OS + "/stable",
                "--add-metadata-string=version=1",
                "--tree=dir=" + tree,
                "--tree=dir=" + overlay)
            .strip();
    ours(
        "admin",
        "deploy",
        "--sysroot=" + root,
        "--os=" + OS,
        "--karg=root=/dev/vda1",
        "--karg=rw",
        "--karg=console=ttyS0",
        "--karg=panic=1",
        "--karg=quiet",
        "--karg=systemd.show_status=0",
        "--karg=fsck.mode=skip",
        "--karg=net.ifnames=0",
        OS + "/stable");
    Path disk = temp.resolve("disk.img");
    BiosDisk.build(disk, root, DISK);

    long t0 = System.nanoTime();
    QemuVm.Options options =
        new QemuVm.Options(
            "agent-vm",
            disk,
            1024,
            accel,
            List.of(),
            List.of("tcp:10.0.2.100:6443-cmd:socat - TCP:127.0.0.1:" + apiPort));
    try (QemuVm vm = QemuVm.boot(options)) {
      vm.await(Pattern.compile("treewave: loading .*\\(ostree:0\\)"), 0, BOOT);
      vm.await(Pattern.compile("TREEWAVE-PROOF /run/ostree-booted present"), 0, BOOT);
      await()
          .atMost(BOOT)
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () -> {
                OSNodeStatus status = OsNodes.status(plane.client(), NODE);
                assertThat(status).as("the agent's report").isNotNull();
                assertThat(status.deploymentsOrEmpty())
                    .filteredOn(d -> Boolean.TRUE.equals(d.booted()))
                    .extracting(OSDeployment::commit)
                    .containsExactly(v1);
              });
      System.out.printf(
          "[e2e] agent in the VM (%s) reported the booted deployment %d ms after qemu start%n",
          accel, (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /**
   * What the tree gets for the agent: its class path under {@code /usr/lib/treewave-agent}, its
   * kubeconfig and a unit under {@code /usr/etc}, and the marker that keeps the machine running.
   */
  private Path agentOverlay(String kubeconfig) throws IOException {
    Path o = temp.resolve("agent-overlay");
    Path lib = Files.createDirectories(o.resolve("usr/lib/treewave-agent"));
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
    Path etc = Files.createDirectories(o.resolve("usr/etc/treewave"));
    Files.writeString(etc.resolve("kubeconfig"), kubeconfig);
    Files.writeString(etc.resolve("keep-running"), "");
    Path units = Files.createDirectories(o.resolve("usr/etc/systemd/system"));
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
                + NODE
                + " --host-root=/ --proc=/proc"
                + " --journal=/var/lib/treewave/agent-state.json --reboot-strategy=none"
                + " --disk-reserve=1Mi --http-address=127.0.0.1 --http-port=0",
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
    return o;
  }

  /** The cached tree from {@code e2e-kind/vm/build-os.sh}, built now if the cache lacks it. */
  private static Path osTree() throws IOException {
    Path script = Path.of("").toAbsolutePath().getParent().resolve("e2e-kind/vm/build-os.sh");
    Processes.Result r =
        Processes.run(
            new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT),
            Duration.ofMinutes(20));
    assertThat(r.exitCode()).as("build-os.sh: %s", r.stderr()).isZero();
    return Path.of(r.stdout().strip());
  }

  private static String ours(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        dev.treewave.ostree.cli.OstreeCli.run(args, new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as("treewave-ostree %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }
}
