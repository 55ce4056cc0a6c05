package dev.treewave.agent.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.agent.testing.OsNodes;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.testing.RequiredTool;
import dev.treewave.testing.kube.AgentRights;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.WithControlPlane;
import dev.treewave.testing.qemu.AgentOverlay;
import dev.treewave.testing.qemu.BiosDisk;
import dev.treewave.testing.qemu.DebianTree;
import dev.treewave.testing.qemu.GrubSysroot;
import dev.treewave.testing.qemu.QemuVm;
import io.fabric8.kubernetes.api.model.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
    GrubSysroot.unlock(temp);
  }

  @Test
  void theAgentInTheVmReportsTheBootedDeployment() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "debootstrap and chroot need root");
    RequiredTool.require("grub-mkimage", BiosDisk.HINT);
    DebianTree debian = DebianTree.cached();
    QemuVm.Accel accel = debian.accel();

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
    Path overlay =
        AgentOverlay.writeForNode(
            temp.resolve("agent-overlay"), plane, NAMESPACE, AGENT_SA, node, "none");
    GrubSysroot sysroot = GrubSysroot.init(temp.resolve("sysroot"), OS, AgentInVmE2E::ours);
    String v1 = sysroot.commit("1", List.of(), debian.tree(), overlay);
    sysroot.deploy(GrubSysroot.AGENT_VM_KARGS);
    Path disk = temp.resolve("disk.img");
    sysroot.buildDisk(disk, DISK);

    long t0 = System.nanoTime();
    QemuVm.Options options =
        new QemuVm.Options(
            "agent-vm",
            disk,
            1024,
            accel,
            List.of(),
            List.of(AgentOverlay.apiServerForward(plane.apiServerUrl().getPort())));
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

  private static String ours(String... args) {
    return dev.treewave.ostree.cli.OstreeCli.runChecked(args);
  }
}
