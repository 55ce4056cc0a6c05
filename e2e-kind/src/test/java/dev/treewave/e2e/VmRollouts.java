package dev.treewave.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.FailurePolicy;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.api.v1alpha1.Rollout;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.api.v1alpha1.Wave;
import dev.treewave.testing.kube.AgentRights;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.qemu.AgentOverlay;
import dev.treewave.testing.qemu.QemuVm;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the VM rollout tests ({@link VmRolloutE2E}, {@link VmKubeletE2E}) share: one Debian VM as
 * node {@link #NODE} of pool {@code vm}, its OS repository reached through qemu's {@code guestfwd},
 * the OSImage that targets it, and the v1 → v2 step the operator drives through the agent's real
 * reboot.
 */
final class VmRollouts {

  static final String NAMESPACE = LocalCluster.SYSTEM_NAMESPACE;
  static final String AGENT_SA = "treewave-agent";
  static final String OS = "debian";
  static final String NODE = "vm-node-1";
  static final String IMAGE = "vm-os";

  /** Where the guest finds the repository (forwarded to the server on 127.0.0.1). */
  static final String GUEST_REPO_URL = "http://10.0.2.101:8080";

  /** The kernel's line for a reboot that was asked for (a panic prints "Rebooting in"). */
  static final Pattern ORDERLY_REBOOT = Pattern.compile("reboot: Restarting system");

  private VmRollouts() {}

  /** The boot proof: {@code /} is the deployment of {@code commit} (ostree-prepare-root's work). */
  static Pattern mounted(String commit) {
    return Pattern.compile(
        "TREEWAVE-PROOF findmnt /: /dev/vda1\\[/ostree/deploy/" + OS + "/deploy/" + commit);
  }

  /** The guest's two forwards: the API server (10.0.2.100:6443) and the repository. */
  static List<String> guestForwards(ControlPlane plane, LayeredOsRepository repo) {
    return List.of(
        AgentOverlay.apiServerForward(plane.apiServerUrl().getPort()),
        "tcp:10.0.2.101:8080-cmd:socat - TCP:127.0.0.1:" + repo.port());
  }

  /** The agent's rights, with the repository's public key in the Secret the OSImage names. */
  static void trustRepository(ControlPlane plane, LayeredOsRepository repo) {
    AgentRights.install(
        plane,
        NAMESPACE,
        AGENT_SA,
        Map.of(
            "ed25519.pub",
            Base64.getEncoder()
                .encodeToString((repo.publicKey() + "\n").getBytes(StandardCharsets.UTF_8))));
  }

  /** One wave of one node, the pool {@code vm}, commits signed with the repository's key. */
  static OSImage image(String commit, FailurePolicy failure) {
    return new OSImage(
        IMAGE,
        new OSImageSpec(
            OS,
            new ImageSource(GUEST_REPO_URL, OS + "/stable", commit),
            new Verification(
                VerificationMode.Ed25519,
                List.of(KeyReference.secret(NAMESPACE, "image-keys", "ed25519.pub"))),
            new LabelSelectorBuilder().addToMatchLabels(LocalCluster.POOL_LABEL, "vm").build(),
            new Rollout(List.of(Wave.of(1)), null, new IntOrString(1), true, null),
            null,
            new HealthSpec("10m", "0s"),
            failure,
            null,
            null,
            null,
            null));
  }

  /** What the VM and the agent showed for a step: the console since it began, the status after. */
  record Step(String console, OSNodeStatus status) {}

  /**
   * v1 → v2 by the operator: creates the OSImage of {@code v2} and waits for it to complete (the
   * invariants polled throughout); the VM rebooted exactly once, in an orderly way, and booted v2,
   * which the agent reports as booted.
   *
   * @param from where in the console the step begins (after v1's boot proof)
   */
  static Step rollToV2(
      KubernetesClient client,
      Invariants invariants,
      QemuVm vm,
      int from,
      String v2,
      Duration timeout) {
    client.resource(image(v2, null)).create();
    OSImage done =
        invariants.await(
            timeout,
            "Completed",
            i -> i.getStatus() != null && i.getStatus().phase() == OSImagePhase.Completed);
    assertThat(done.getStatus().targetCommit()).isEqualTo(v2);
    String console = vm.console().substring(from);
    assertThat(ORDERLY_REBOOT.matcher(console).results().count()).as("reboots for v2").isEqualTo(1);
    assertThat(console).containsPattern(mounted(v2));
    OSNodeStatus s = status(client);
    assertThat(s.booted().commit()).isEqualTo(v2);
    assertThat(s.agentState()).isEqualTo(AgentState.Booted);
    return new Step(console, s);
  }

  static OSNodeStatus status(KubernetesClient client) {
    return client.resources(OSNode.class).withName(NODE).get().getStatus();
  }

  /** The project's own {@code ostree} (the {@code GrubSysroot} tool). */
  static String ours(String... args) {
    return dev.treewave.ostree.cli.OstreeCli.runChecked(args);
  }
}
