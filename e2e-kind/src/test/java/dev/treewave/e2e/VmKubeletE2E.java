package dev.treewave.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.AgentState;
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
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node is real: the VM of {@link VmRolloutE2E}, built from {@link DebianTree#withKubelet()},
 * runs the Go-built kubelet of the test kube-apiserver's version with Debian's containerd, runc and
 * CNI plugins, and joins the control plane through qemu's {@code guestfwd} ({@code restrict=on})
 * with a client certificate for {@code system:node:NAME} minted here. The operator (in the test
 * JVM) waits for the kubelet's Ready before it disrupts the Node, rolls it from v1 to v2 through
 * the agent's real reboot, and the kube-controller-manager sees the Node go NotReady (the kubelet
 * stops posting) and Ready again when the kubelet of the v2 boot posts.
 *
 * <p>The node agent still runs as the VM's systemd service, as in {@link VmRolloutE2E}, not as the
 * chart's DaemonSet pod.
 *
 * <p>Opt-in: under TCG it takes about as long as {@link VmRolloutE2E} again, so CI does not run it.
 * Run it with {@code TREEWAVE_VM_KUBELET=1} (or {@code -Dtreewave.vm.kubelet=true}), as root:
 *
 * <pre>
 * TREEWAVE_VM_KUBELET=1 ./mvnw -B -pl e2e-kind -am verify -Dtest=none -Dit.test=VmKubeletE2E \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIf("optedIn")
@WithControlPlane(controllerManager = true)
class VmKubeletE2E {

  private static final String NAMESPACE = LocalCluster.SYSTEM_NAMESPACE;
  private static final String AGENT_SA = "treewave-agent";
  private static final String OS = "debian";
  private static final String NODE = "vm-node-1";
  private static final String IMAGE = "vm-os";
  private static final long DISK = 3072L * 1024 * 1024;
  private static final String GUEST_REPO_URL = "http://10.0.2.101:8080";
  private static final Duration STEP = Duration.ofMinutes(12);
  private static final Pattern ORDERLY_REBOOT = Pattern.compile("reboot: Restarting system");

  static ControlPlane plane;

  @TempDir Path temp;

  @AfterEach
  void unlock() throws IOException {
    GrubSysroot.unlock(temp);
  }

  /** Opt-in: decided before the control plane starts, so CI pays nothing for it. */
  static boolean optedIn() {
    return "1".equals(System.getenv("TREEWAVE_VM_KUBELET"))
        || Boolean.getBoolean("treewave.vm.kubelet");
  }

  @Test
  void theKubeletsNodeGoesNotReadyAndReadyAgainAcrossTheRolloutsReboot() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "debootstrap, chroot and mount need root");
    RequiredTool.require("grub-mkimage", BiosDisk.HINT);
    RequiredTool.require("socat", "apt-get install socat");
    long t0 = System.nanoTime();
    DebianTree debian = DebianTree.withKubelet();
    QemuVm.Accel accel = debian.accel();
    KubernetesClient client = plane.client();

    TreewavePlane.installCrds(plane);
    // The Node exists before the kubelet registers (it takes it over, as on re-registration), so
    // the agent's token can be bound to it and die with it; it has no condition until the kubelet
    // posts one.
    Node node =
        client
            .nodes()
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName(NODE)
                    .addToLabels(LocalCluster.POOL_LABEL, "vm")
                    .endMetadata()
                    .build())
            .create();
    // The kubelet's identity; the plane has RBAC only (no Node authorizer), so bind the role the
    // Node authorizer stands for to this one node's user.
    client
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("treewave-e2e-kubelet")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "system:node")
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName("system:node:" + NODE)
                .endSubject()
                .build())
        .create();
    String kubeletKubeconfig =
        AgentOverlay.forGuest(
            plane.clientCertificateKubeconfig("system:node:" + NODE, List.of("system:nodes")));
    AgentRights.install(plane, NAMESPACE, AGENT_SA, Map.of());
    Path overlay =
        AgentOverlay.writeForNode(
            temp.resolve("overlay"), plane, NAMESPACE, AGENT_SA, node, "systemd");
    Path kube = Files.createDirectories(overlay.resolve("usr/etc/kubernetes"));
    Files.writeString(kube.resolve("kubelet.kubeconfig"), kubeletKubeconfig);
    Files.writeString(
        kube.resolve("kubelet.env"),
        "NODE_NAME=" + NODE + "\nNODE_LABELS=" + LocalCluster.POOL_LABEL + "=vm\n");

    GrubSysroot sysroot = GrubSysroot.init(temp.resolve("sysroot"), OS, VmKubeletE2E::ours);
    sysroot.bootTries(2);
    String v1 = sysroot.commit("1", List.of(), debian.tree(), overlay);
    sysroot.deploy(GrubSysroot.AGENT_VM_KARGS);
    Path disk = temp.resolve("disk.img");
    sysroot.buildDisk(disk, DISK);

    try (LayeredOsRepository repo =
        LayeredOsRepository.create(
            temp.resolve("repo"), OstreeRepo.open(sysroot.repo()), sysroot.branch())) {
      Path v2Files = Files.createDirectories(temp.resolve("overlay-v2/usr/etc"));
      Files.writeString(v2Files.resolve("motd"), "v2\n");
      String v2 = repo.commitOnTop(v1, temp.resolve("overlay-v2"), "2");
      AgentRights.install(
          plane,
          NAMESPACE,
          AGENT_SA,
          Map.of(
              "ed25519.pub",
              Base64.getEncoder()
                  .encodeToString((repo.publicKey() + "\n").getBytes(StandardCharsets.UTF_8))));
      long host = System.nanoTime() - t0;
      System.out.printf(
          "[e2e] v1 (tree + kubelet + agent) on disk, v2 served: %d ms%n", host / 1_000_000);

      try (AutoCloseable operator = LocalCluster.startOperator(client);
          Invariants invariants = new Invariants(client, IMAGE, 1);
          ReadyLog ready = new ReadyLog(client, NODE);
          QemuVm vm =
              QemuVm.boot(
                  new QemuVm.Options(
                      "vm-kubelet",
                      disk,
                      1536,
                      accel,
                      List.of(),
                      List.of(
                          AgentOverlay.apiServerForward(plane.apiServerUrl().getPort()),
                          "tcp:10.0.2.101:8080-cmd:socat - TCP:127.0.0.1:" + repo.port())))) {
        long boot = System.nanoTime();
        int from = vm.await(mounted(v1), 0, STEP).end();
        long booted = System.nanoTime() - boot;
        vm.await(
            Pattern.compile("TREEWAVE-PROOF kubelet starting: Kubernetes v1\\.32\\.5"), 0, STEP);
        ready.await("True", STEP);
        long joined = System.nanoTime() - boot;
        Node real = client.nodes().withName(NODE).get();
        assertThat(real.getStatus().getNodeInfo().getKubeletVersion())
            .isEqualTo(ControlPlane.KUBERNETES_VERSION);
        assertThat(real.getStatus().getNodeInfo().getContainerRuntimeVersion())
            .startsWith("containerd://1.6");
        assertThat(readyCondition(real).getReason()).isEqualTo("KubeletReady");
        assertThat(real.getStatus().getAddresses())
            .anyMatch(a -> "InternalIP".equals(a.getType()) && "10.0.2.15".equals(a.getAddress()));
        System.out.printf(
            "[e2e] v1 booted (%s) in %d ms; the kubelet's Node Ready %d ms after qemu started%n",
            accel, booted / 1_000_000, joined / 1_000_000);

        long s2 = System.nanoTime();
        int readyBefore = ready.transitions().size();
        client.resource(image(v2)).create();
        OSImage done =
            invariants.await(
                STEP,
                "Completed",
                i -> i.getStatus() != null && i.getStatus().phase() == OSImagePhase.Completed);
        assertThat(done.getStatus().targetCommit()).isEqualTo(v2);
        String afterV2 = vm.console().substring(from);
        assertThat(ORDERLY_REBOOT.matcher(afterV2).results().count()).isEqualTo(1);
        // systemd (no logind here) kills the agent's systemctl as it shuts down: not a failure.
        // The agent logs "Reboot under way" then, unless the shutdown ends its JVM first.
        assertThat(afterV2).doesNotContain("Reboot request failed");
        assertThat(afterV2).containsPattern(mounted(v2));
        OSNodeStatus s = client.resources(OSNode.class).withName(NODE).get().getStatus();
        assertThat(s.booted().commit()).isEqualTo(v2);
        assertThat(s.agentState()).isEqualTo(AgentState.Booted);
        // The reboot as the control plane saw it: Ready, then not (False or Unknown), then Ready.
        ready.await("True", STEP);
        List<String> seen =
            ready.transitions().subList(readyBefore - 1, ready.transitions().size()).stream()
                .map(ReadyLog.Transition::status)
                .toList();
        assertThat(seen.get(0)).isEqualTo("True");
        assertThat(seen).as("Ready across the reboot").contains("True").last().isEqualTo("True");
        assertThat(seen.stream().anyMatch(x -> !"True".equals(x)))
            .as("NotReady during the reboot: %s", seen)
            .isTrue();
        invariants.assertHeld();
        long total = System.nanoTime() - t0;
        System.out.printf(
            "[e2e] v1 -> v2 by the operator with the kubelet's Node (%s): %d ms; Ready"
                + " transitions: %s%n",
            accel, (System.nanoTime() - s2) / 1_000_000, ready.transitions());
        System.out.printf("[e2e] VmKubeletE2E total: %d ms%n", total / 1_000_000);
      }
    }
  }

  private static NodeCondition readyCondition(Node n) {
    return n.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The Node's Ready status every 100 ms ("-" while it has none), each change with the time since
   * this log started.
   */
  static final class ReadyLog implements AutoCloseable {
    record Transition(long millis, String status, String reason) {}

    private final KubernetesClient client;
    private final String node;
    private final List<Transition> transitions = new ArrayList<>();
    private final long started = System.nanoTime();
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ready-log");
              t.setDaemon(true);
              return t;
            });

    ReadyLog(KubernetesClient client, String node) {
      this.client = client;
      this.node = node;
      timer.scheduleWithFixedDelay(this::poll, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void poll() {
      try {
        Node n = client.nodes().withName(node).get();
        NodeCondition c =
            n == null || n.getStatus() == null || n.getStatus().getConditions() == null
                ? null
                : n.getStatus().getConditions().stream()
                    .filter(x -> "Ready".equals(x.getType()))
                    .findFirst()
                    .orElse(null);
        String status = c == null ? "-" : c.getStatus();
        synchronized (this) {
          if (transitions.isEmpty()
              || !transitions.get(transitions.size() - 1).status().equals(status)) {
            Transition t =
                new Transition(
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    status,
                    c == null ? "" : c.getReason());
            transitions.add(t);
            System.out.println("[e2e] Node " + node + " Ready: " + t);
          }
          notifyAll();
        }
      } catch (RuntimeException e) {
        // the API server is busy; the next poll tries again
      }
    }

    synchronized List<Transition> transitions() {
      return List.copyOf(transitions);
    }

    /** Waits until the last status seen is {@code status}. */
    synchronized void await(String status, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (transitions.isEmpty()
          || !transitions.get(transitions.size() - 1).status().equals(status)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("Node " + node + " not Ready=" + status + ": " + transitions);
        }
        wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** The boot proof: {@code /} is the deployment of {@code commit}. */
  private static Pattern mounted(String commit) {
    return Pattern.compile(
        "TREEWAVE-PROOF findmnt /: /dev/vda1\\[/ostree/deploy/" + OS + "/deploy/" + commit);
  }

  private OSImage image(String commit) {
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
            null,
            null,
            null,
            null,
            null));
  }

  private static String ours(String... args) {
    return dev.treewave.ostree.cli.OstreeCli.runChecked(args);
  }
}
