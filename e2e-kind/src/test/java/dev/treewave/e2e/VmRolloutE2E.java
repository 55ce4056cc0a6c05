package dev.treewave.e2e;

import static dev.treewave.e2e.VmRollouts.AGENT_SA;
import static dev.treewave.e2e.VmRollouts.IMAGE;
import static dev.treewave.e2e.VmRollouts.NAMESPACE;
import static dev.treewave.e2e.VmRollouts.NODE;
import static dev.treewave.e2e.VmRollouts.ORDERLY_REBOOT;
import static dev.treewave.e2e.VmRollouts.OS;
import static dev.treewave.e2e.VmRollouts.mounted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.FailureAction;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.testing.RequiredTool;
import dev.treewave.testing.kube.AgentRights;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.TreewavePlane;
import dev.treewave.testing.kube.WithControlPlane;
import dev.treewave.testing.qemu.AgentOverlay;
import dev.treewave.testing.qemu.BiosDisk;
import dev.treewave.testing.qemu.DebianTree;
import dev.treewave.testing.qemu.GrubSysroot;
import dev.treewave.testing.qemu.QemuVm;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator rolls out a real machine. One Debian VM ({@link DebianTree}, qemu, booted by GRUB
 * from a BIOS disk) backs a kwok Node; the node agent runs in it as a systemd service with a token
 * bound to that Node, and reaches only the test's kube-apiserver and the OS repository, both on
 * 127.0.0.1, through qemu's {@code guestfwd} ({@code restrict=on}). The repository serves v2 and a
 * broken v3 as small signed commits on top of the v1 the disk was deployed with.
 *
 * <p>v1 → v2: the operator cordons the Node and tells the agent to stage and activate v2; the agent
 * pulls it, makes it the default (arming GRUB's boot counter) and reboots the VM through systemd;
 * GRUB boots v2, {@code ostree-prepare-root} mounts it, the agent reports it booted and the
 * operator completes the rollout. v3, whose init exits: the kernel panics and reboots (panic=1),
 * GRUB counts the tries down and then boots v2 by itself; the agent reports {@code BootFailed} and
 * the operator fails the rollout. Nobody touches the VM. After each step the real {@code ostree
 * admin status}, on a frozen copy of the VM's disk, lists the deployments the agent reported. The
 * rollout invariants are polled every 100 ms throughout.
 */
@WithControlPlane(kwok = true)
class VmRolloutE2E {

  private static final long DISK = 2048L * 1024 * 1024;
  private static final int BOOT_TRIES = 2;

  private static final Duration STEP = Duration.ofMinutes(8);

  static ControlPlane plane;

  @TempDir Path temp;

  @AfterEach
  void unlock() throws IOException {
    GrubSysroot.unlock(temp);
  }

  @Test
  void theOperatorRollsTheVmToV2AndABrokenV3FallsBackToV2ByItself() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "debootstrap, chroot and mount need root");
    RequiredTool.require("grub-mkimage", BiosDisk.HINT);
    RequiredTool.require("socat", "apt-get install socat");
    long t0 = System.nanoTime();
    DebianTree debian = DebianTree.cached();
    QemuVm.Accel accel = debian.accel();
    KubernetesClient client = plane.client();

    TreewavePlane.installCrds(plane);
    Node node = plane.kwokNodes().createReady(NODE, Map.of(LocalCluster.POOL_LABEL, "vm"));
    AgentRights.install(plane, NAMESPACE, AGENT_SA, Map.of());
    Path agent =
        AgentOverlay.writeForNode(
            temp.resolve("agent-overlay"), plane, NAMESPACE, AGENT_SA, node, "systemd");

    GrubSysroot sysroot = GrubSysroot.init(temp.resolve("sysroot"), OS, VmRollouts::ours);
    sysroot.bootTries(BOOT_TRIES);
    String v1 = sysroot.commit("1", List.of(), debian.tree(), agent);
    sysroot.deploy(GrubSysroot.AGENT_VM_KARGS);
    Path disk = temp.resolve("disk.img");
    sysroot.buildDisk(disk, DISK);

    try (LayeredOsRepository repo =
        LayeredOsRepository.create(
            temp.resolve("repo"), OstreeRepo.open(sysroot.repo()), sysroot.branch())) {
      String v2 = repo.commitOnTop(v1, overlay("v2", Map.of("usr/etc/motd", "v2\n")), "2");
      // v3's init exits at once: the kernel panics, and reboots (panic=1).
      String v3 =
          repo.commitOnTop(
              v2,
              overlay(
                  "v3",
                  Map.of(
                      "usr/sbin/init",
                      "#!/bin/sh\necho TREEWAVE-PROOF v3 init gives up\nexit 1\n")),
              "3");
      VmRollouts.trustRepository(plane, repo);
      System.out.printf(
          "[e2e] v1 deployed, disk and repository (v2, v3) ready in %d ms%n",
          (System.nanoTime() - t0) / 1_000_000);

      try (AutoCloseable operator = LocalCluster.startOperator(client);
          Invariants invariants = new Invariants(client, IMAGE, 1);
          RolloutWatch watch = new RolloutWatch(client, IMAGE, 0, System.out::println);
          QemuVm vm =
              QemuVm.boot(
                  new QemuVm.Options(
                      "vm-node",
                      disk,
                      1024,
                      accel,
                      List.of(),
                      VmRollouts.guestForwards(plane, repo)))) {
        long boot = System.nanoTime();
        int from = vm.await(loading(0), 0, STEP).end();
        from = vm.await(mounted(v1), from, STEP).end();
        System.out.printf(
            "[e2e] v1 booted through GRUB (%s): %d ms to the boot proof%n",
            accel, (System.nanoTime() - boot) / 1_000_000);

        // v1 → v2, driven by the operator.
        long s2 = System.nanoTime();
        VmRollouts.Step toV2 = VmRollouts.rollToV2(client, invariants, vm, from, v2, STEP);
        String afterV2 = toV2.console();
        Matcher grub = loading(0).matcher(afterV2);
        assertThat(grub.find()).as("GRUB loads the new default entry").isTrue();
        assertThat(afterV2.substring(grub.end())).containsPattern(mounted(v2));
        assertThat(afterV2).contains("TREEWAVE-PROOF motd: v2");
        OSNodeStatus s = toV2.status();
        assertThat(deployments(s)).startsWith(v2 + ".0").contains(v1 + ".0");
        assertThat(repo.objectDownloads()).as("objects pulled by the agent").isPositive();
        invariants.assertHeld();
        assertThat(theirDeployments(vm)).isEqualTo(deployments(s));
        System.out.printf(
            "[e2e] v1 -> v2 rollout by the operator (%s): %d ms%n",
            accel, (System.nanoTime() - s2) / 1_000_000);

        // v3 does not boot: GRUB falls back to v2 by itself, the operator fails the rollout.
        long s3 = System.nanoTime();
        int beforeV3 = vm.console().length();
        LocalCluster.editImage(
            client,
            IMAGE,
            i -> {
              i.setSpec(
                  VmRollouts.image(v3, new FailurePolicy(FailureAction.Rollback, 0)).getSpec());
              return i;
            });
        OSImage failed =
            invariants.await(
                STEP,
                "Failed with the node's BootFailed",
                i ->
                    i.getStatus() != null
                        && isPhase(i, OSImagePhase.Failed)
                        && i.getStatus().lastFailure() != null);
        assertThat(failed.getStatus().targetCommit()).isEqualTo(v3);
        assertThat(failed.getStatus().lastFailure().node()).isEqualTo(NODE);
        // What the agent reported after the fallback, as the operator took it.
        assertThat(failed.getStatus().lastFailure().reason()).isEqualTo("ActivationFailed");
        assertThat(failed.getStatus().lastFailure().message()).contains("BootFailed");
        String afterV3 = vm.console().substring(beforeV3);
        assertThat(ORDERLY_REBOOT.matcher(afterV3).results().count())
            .as("reboots the agent asked for, for v3")
            .isEqualTo(1);
        assertThat(loading(0).matcher(afterV3).results().count())
            .as("GRUB's tries of v3")
            .isEqualTo(BOOT_TRIES);
        assertThat(
                Pattern.compile("TREEWAVE-PROOF v3 init gives up")
                    .matcher(afterV3)
                    .results()
                    .count())
            .isEqualTo(BOOT_TRIES);
        int fallback = afterV3.indexOf("boot counter exhausted");
        assertThat(fallback).as("GRUB gives up on v3").isPositive();
        Matcher v2Again = loading(1).matcher(afterV3);
        assertThat(v2Again.find(fallback)).as("GRUB boots the previous entry").isTrue();
        assertThat(afterV3.substring(v2Again.end())).containsPattern(mounted(v2));
        // The failure policy: the node is told to roll back to what it runs (v2), which the agent
        // does without a reboot; then the operator releases it.
        await()
            .atMost(STEP)
            .pollInterval(Duration.ofMillis(100))
            .untilAsserted(
                () -> {
                  invariants.assertNoViolation();
                  assertThat(client.nodes().withName(NODE).get().getSpec().getUnschedulable())
                      .as("cordoned")
                      .isNotEqualTo(Boolean.TRUE);
                });
        OSNodeStatus f = VmRollouts.status(client);
        assertThat(f.booted().commit()).isEqualTo(v2);
        assertThat(ORDERLY_REBOOT.matcher(vm.console().substring(beforeV3)).results().count())
            .as("reboots for v3 and its rollback")
            .isEqualTo(1);
        invariants.assertHeld();
        assertThat(theirDeployments(vm)).isEqualTo(deployments(f));
        assertThat(watch.cordonsPerNode()).as("one cordon per target").isEqualTo(Map.of(NODE, 2));
        System.out.printf(
            "[e2e] broken v3, %d GRUB tries, fallback to v2, rollout failed, node released (%s):"
                + " %d ms%n",
            BOOT_TRIES, accel, (System.nanoTime() - s3) / 1_000_000);
      }
    }
    System.out.printf("[e2e] VmRolloutE2E total: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  /** GRUB's line for the entry it boots (0: the default, 1: the one before). */
  private static Pattern loading(int entry) {
    return Pattern.compile("treewave: loading .*\\(ostree:" + entry + "\\)");
  }

  private static boolean isPhase(OSImage i, OSImagePhase phase) {
    return i.getStatus().phase() == phase;
  }

  /** "commit.serial" of each deployment the agent reported, in the bootloader's order. */
  private static List<String> deployments(OSNodeStatus s) {
    return s.deploymentsOrEmpty().stream()
        .map((OSDeployment d) -> d.commit() + "." + d.serial())
        .toList();
  }

  /** The same, from the real {@code ostree admin status} on a frozen copy of the VM's disk. */
  private List<String> theirDeployments(QemuVm vm) throws IOException {
    Path copy = temp.resolve("disk-copy.img");
    vm.copyDisk(copy);
    try {
      String status = BiosDisk.ostreeAdminStatus(copy, temp.resolve("mnt"));
      System.out.println("[e2e] ostree admin status on the disk:\n" + status);
      return Pattern.compile("(?m)^\\s*\\*?\\s*" + OS + " ([0-9a-f]{64}\\.\\d+)")
          .matcher(status)
          .results()
          .map(m -> m.group(1))
          .toList();
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /** A tree of these files (path → content; scripts executable), to commit on another. */
  private Path overlay(String name, Map<String, String> files) throws IOException {
    Path dir = temp.resolve("overlay-" + name);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
      Files.setPosixFilePermissions(
          p,
          PosixFilePermissions.fromString(
              f.getValue().startsWith("#!") ? "rwxr-xr-x" : "rw-r--r--"));
    }
    return dir;
  }
}
