package dev.treewave.e2e;

import static dev.treewave.e2e.VmRollouts.AGENT_SA;
import static dev.treewave.e2e.VmRollouts.IMAGE;
import static dev.treewave.e2e.VmRollouts.NAMESPACE;
import static dev.treewave.e2e.VmRollouts.NODE;
import static dev.treewave.e2e.VmRollouts.OS;
import static dev.treewave.e2e.VmRollouts.mounted;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.testing.Processes;
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
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Two ways to run the agent, one test each:
 *
 * <ul>
 *   <li>{@link #theKubeletsNodeGoesNotReadyAndReadyAgainAcrossTheRolloutsReboot}: as the VM's
 *       systemd service, as in {@link VmRolloutE2E}.
 *   <li>{@link #theChartsAgentPodRollsTheVmThroughItsReboot}: as the chart's DaemonSet pod ({@code
 *       helm template} of helm/treewave, applied to the control plane; the scheduler binds it to
 *       the VM's Node). The image is the one Jib builds ({@code e2e-kind/vm/agent-images.sh}, on
 *       the small JRE base of helm/images/local-base.sh), shipped in the tree with a locally made
 *       {@code registry.k8s.io/pause:3.10} sandbox image and imported into containerd's {@code
 *       k8s.io} namespace by {@code ctr} at boot: the kubelet pulls nothing ({@code pullPolicy:
 *       Never}). The pod sees the VM's root at {@code /host} (the chart's hostPath) and reboots it
 *       through PID 1 ({@code hostPID}, nsenter, systemd). One change to the chart's objects:
 *       {@code hostNetwork}, because the VM has no kube-proxy and no masquerading, so only the VM's
 *       own address reaches qemu's {@code guestfwd}; the agent is pointed at {@code
 *       https://kubernetes:6443} with {@code agent.extraEnv} ({@code KUBERNETES_SERVICE_HOST}).
 * </ul>
 *
 * <p>Opt-in: under TCG each takes about as long as {@link VmRolloutE2E} again, so CI does not run
 * them. {@code TREEWAVE_VM_KUBELET=1} runs the systemd one, {@code pod} the pod one, {@code all}
 * both (or {@code -Dtreewave.vm.kubelet=...}); as root:
 *
 * <pre>
 * TREEWAVE_VM_KUBELET=pod ./mvnw -B -pl e2e-kind -am verify -Dtest=none -Dit.test=VmKubeletE2E \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>{@code TREEWAVE_VM_IMAGES=DIR} takes the images from DIR (agent-images.sh's output) instead of
 * building them.
 */
@EnabledIf("optedIn")
@WithControlPlane(controllerManager = true, scheduler = true)
class VmKubeletE2E {

  private static final long DISK = 3072L * 1024 * 1024;

  /** Generous: a busy host (load 30 on 2 cores) made one v1 -> v2 of the pod take over 12. */
  private static final Duration STEP = Duration.ofMinutes(20);

  private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();

  /** The chart's release: its agent's ServiceAccount is then {@code treewave-agent}. */
  private static final String RELEASE = "treewave";

  private static final String AGENT_IMAGE = "ghcr.io/treewave/treewave-node-agent:vm";

  static ControlPlane plane;

  @TempDir Path temp;

  @AfterEach
  void unlock() throws IOException {
    GrubSysroot.unlock(temp);
  }

  /** How the agent runs in the VM. */
  enum Agent {
    SYSTEMD,
    POD
  }

  private static String optIn() {
    String env = System.getenv("TREEWAVE_VM_KUBELET");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    String p = System.getProperty("treewave.vm.kubelet", "");
    return "true".equals(p) ? "1" : p;
  }

  /** Opt-in: decided before the control plane starts, so CI pays nothing for it. */
  static boolean optedIn() {
    return List.of("1", "pod", "all").contains(optIn());
  }

  @Test
  void theKubeletsNodeGoesNotReadyAndReadyAgainAcrossTheRolloutsReboot() throws Exception {
    Assumptions.assumeTrue(List.of("1", "all").contains(optIn()), "TREEWAVE_VM_KUBELET=1 or all");
    run(Agent.SYSTEMD);
  }

  @Test
  void theChartsAgentPodRollsTheVmThroughItsReboot() throws Exception {
    Assumptions.assumeTrue(
        List.of("pod", "all").contains(optIn()), "TREEWAVE_VM_KUBELET=pod or all");
    run(Agent.POD);
  }

  private void run(Agent agent) throws Exception {
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
        agent == Agent.SYSTEMD
            ? AgentOverlay.writeForNode(
                temp.resolve("overlay"), plane, NAMESPACE, AGENT_SA, node, "systemd")
            : imagesOverlay(temp.resolve("overlay"));
    Path kube = Files.createDirectories(overlay.resolve("usr/etc/kubernetes"));
    Files.writeString(kube.resolve("kubelet.kubeconfig"), kubeletKubeconfig);
    Files.writeString(
        kube.resolve("kubelet.env"),
        "NODE_NAME=" + NODE + "\nNODE_LABELS=" + LocalCluster.POOL_LABEL + "=vm\n");

    GrubSysroot sysroot = GrubSysroot.init(temp.resolve("sysroot"), OS, VmRollouts::ours);
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
      VmRollouts.trustRepository(plane, repo);
      long host = System.nanoTime() - t0;
      System.out.printf(
          "[e2e] v1 (tree + kubelet + agent %s) on disk, v2 served: %d ms%n",
          agent, host / 1_000_000);

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
                      VmRollouts.guestForwards(plane, repo)))) {
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

        Pod pod = null;
        if (agent == Agent.POD) {
          assertThat(vm.console()).contains("TREEWAVE-PROOF images imported");
          long applied = System.nanoTime();
          applyChartsAgent(client);
          pod = awaitAgentPod(client, null, STEP);
          System.out.printf(
              "[e2e] the chart's agent pod %s Running and Ready on %s %d ms after the chart was"
                  + " applied (%d ms after qemu started)%n",
              pod.getMetadata().getName(),
              NODE,
              (System.nanoTime() - applied) / 1_000_000,
              (System.nanoTime() - boot) / 1_000_000);
        }

        long s2 = System.nanoTime();
        int readyBefore = ready.transitions().size();
        VmRollouts.Step toV2 = VmRollouts.rollToV2(client, invariants, vm, from, v2, STEP);
        // systemd (no logind here) kills the agent's systemctl as it shuts down: not a failure.
        // The agent logs "Reboot under way" then, unless the shutdown ends its JVM first. (The
        // pod's log is on the console too.)
        assertThat(toV2.console()).doesNotContain("Reboot request failed");
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
        if (agent == Agent.POD) {
          // The same DaemonSet pod, its container started again by the kubelet of the v2 boot.
          Pod after = awaitAgentPod(client, pod, STEP);
          assertThat(after.getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
          assertThat(toV2.console()).contains("TREEWAVE-PROOF images imported");
          assertThat(
                  client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                      .filter(e -> "Pulling".equals(e.getReason())))
              .as("image pulls (there is no registry)")
              .isEmpty();
          System.out.printf(
              "[e2e] agent pod back after the reboot: restarts %d, container %s%n",
              after.getStatus().getContainerStatuses().get(0).getRestartCount(),
              after.getStatus().getContainerStatuses().get(0).getContainerID());
        }
        invariants.assertHeld();
        long total = System.nanoTime() - t0;
        System.out.printf(
            "[e2e] v1 -> v2 by the operator with the kubelet's Node, agent %s (%s): %d ms; Ready"
                + " transitions: %s%n",
            agent, accel, (System.nanoTime() - s2) / 1_000_000, ready.transitions());
        System.out.printf("[e2e] VmKubeletE2E (%s) total: %d ms%n", agent, total / 1_000_000);
      }
    }
  }

  /**
   * The overlay of the pod variant: no agent in the tree, but its image and a pause image, which
   * {@code treewave-images.service} imports into containerd (namespace {@code k8s.io}, the CRI's)
   * before the kubelet starts, on every boot (idempotent; containerd's store is in {@code /var},
   * shared by the deployments).
   */
  private Path imagesOverlay(Path dir) throws IOException {
    Path images = Files.createDirectories(dir.resolve("usr/share/treewave/images"));
    String given = System.getenv("TREEWAVE_VM_IMAGES");
    Path built;
    if (given != null && !given.isBlank()) {
      built = Path.of(given);
    } else {
      built = temp.resolve("images");
      long t = System.nanoTime();
      Processes.check(
          new ProcessBuilder(
                  REPO_ROOT.resolve("e2e-kind/vm/agent-images.sh").toString(), built.toString())
              .directory(REPO_ROOT.toFile()),
          Duration.ofMinutes(15));
      System.out.printf(
          "[e2e] agent image (Jib) and pause image built in %d ms%n",
          (System.nanoTime() - t) / 1_000_000);
    }
    for (String tar : List.of("treewave-node-agent.tar", "pause.tar")) {
      Files.copy(built.resolve(tar), images.resolve(tar));
    }
    // A script, not an ExecStart line: systemd would expand its $ itself.
    Files.writeString(
        dir.resolve("usr/share/treewave/import-images.sh"),
        String.join(
            "\n",
            "set -e",
            "for t in /usr/share/treewave/images/*.tar; do",
            "  ctr -n k8s.io images import \"$t\" >/dev/null",
            "done",
            "echo \"TREEWAVE-PROOF images imported: $(ctr -n k8s.io images ls -q | tr '\\n' ' ')\""
                + " >/dev/ttyS0",
            ""));
    // The agent pod's log on the serial console, as the systemd agent's is: each container's
    // log file (the kubelet writes one per start) of this boot, followed from its first line.
    Files.writeString(
        dir.resolve("usr/share/treewave/pod-log.sh"),
        String.join(
            "\n",
            // Files of earlier boots (in /var) were shown then.
            "ls /var/log/pods/*_treewave-agent-*/agent/*.log >/run/treewave-pod-logs 2>/dev/null",
            "while :; do",
            "  for f in /var/log/pods/*_treewave-agent-*/agent/*.log; do",
            "    [ -e \"$f\" ] || continue",
            "    grep -qxF \"$f\" /run/treewave-pod-logs 2>/dev/null && continue",
            "    echo \"$f\" >>/run/treewave-pod-logs",
            "    tail -n +1 -F \"$f\" | sed -u 's/^/[agent-pod] /' >/dev/ttyS0 &",
            "  done",
            "  sleep 2",
            "done",
            ""));
    Path etc = Files.createDirectories(dir.resolve("usr/etc/treewave"));
    Files.writeString(etc.resolve("keep-running"), "");
    Path units = Files.createDirectories(dir.resolve("usr/etc/systemd/system"));
    Files.writeString(
        units.resolve("treewave-images.service"),
        String.join(
            "\n",
            "[Unit]",
            "Description=the test's images into containerd (no registry)",
            "After=containerd.service",
            "Requires=containerd.service",
            "Before=treewave-kubelet.service",
            "[Service]",
            "Type=oneshot",
            "RemainAfterExit=yes",
            "ExecStart=/bin/sh /usr/share/treewave/import-images.sh",
            "[Install]",
            "WantedBy=multi-user.target",
            ""));
    Path wants = Files.createDirectories(units.resolve("multi-user.target.wants"));
    Files.createSymbolicLink(
        wants.resolve("treewave-images.service"),
        Path.of("/etc/systemd/system/treewave-images.service"));
    Files.writeString(
        units.resolve("treewave-pod-log.service"),
        String.join(
            "\n",
            "[Unit]",
            "Description=the agent pod's log on the serial console",
            "[Service]",
            "ExecStart=/bin/sh /usr/share/treewave/pod-log.sh",
            "[Install]",
            "WantedBy=multi-user.target",
            ""));
    Files.createSymbolicLink(
        wants.resolve("treewave-pod-log.service"),
        Path.of("/etc/systemd/system/treewave-pod-log.service"));
    Path dropIn = Files.createDirectories(units.resolve("treewave-kubelet.service.d"));
    Files.writeString(
        dropIn.resolve("images.conf"),
        "[Unit]\nAfter=treewave-images.service\nWants=treewave-images.service\n");
    return dir;
  }

  /**
   * {@code helm template} of the chart (the Helm library, offline), and its agent's objects
   * applied: ServiceAccount, RBAC, admission policy and the DaemonSet; not the CRDs (installed
   * already) nor the operator's Deployment (the operator runs in this JVM).
   */
  private void applyChartsAgent(KubernetesClient client) throws IOException {
    Path values = temp.resolve("values-vm.yaml");
    Files.writeString(
        values,
        String.join(
            "\n",
            "agent:",
            "  image:",
            "    repository: ghcr.io/treewave/treewave-node-agent",
            "    tag: vm",
            "    pullPolicy: Never",
            "  javaToolOptions: -XX:TieredStopAtLevel=1 -Xss256k",
            "  settings:",
            "    diskReserve: 1Mi",
            "  extraEnv:",
            // The only way out of the VM: the name on the API server's certificate, which the
            // VM's /etc/hosts maps to qemu's guestfwd.
            "    - name: KUBERNETES_SERVICE_HOST",
            "      value: kubernetes",
            "    - name: KUBERNETES_SERVICE_PORT",
            "      value: \"6443\"",
            // The client's 10 s for a request is short for a JVM under TCG on a busy host.
            "    - name: KUBERNETES_REQUEST_TIMEOUT",
            "      value: \"60000\"",
            ""));
    String rendered =
        new Helm(REPO_ROOT.resolve("helm/treewave"))
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(ControlPlane.KUBERNETES_VERSION.substring(1))
            .withValuesFile(values)
            .call();
    Set<String> agentKinds =
        Set.of(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "DaemonSet");
    List<String> applied = new ArrayList<>();
    for (HasMetadata item :
        client.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items()) {
      if (!agentKinds.contains(item.getKind())
          || item.getMetadata().getName().contains("operator")) {
        continue;
      }
      if (item instanceof DaemonSet ds) {
        assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
            .isEqualTo(AGENT_IMAGE);
        // No kube-proxy and no masquerading in the VM: only its own address gets out.
        ds.getSpec().getTemplate().getSpec().setHostNetwork(true);
        ds.getSpec().getTemplate().getSpec().setDnsPolicy("ClusterFirstWithHostNet");
        // Under TCG the JVM takes minutes to serve /healthz, and seconds to answer it while it
        // works; the chart's two minutes and one second are for real CPUs.
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        c.getStartupProbe().setFailureThreshold(120);
        for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
          p.setTimeoutSeconds(15);
        }
      }
      client.resource(item).forceConflicts().serverSideApply();
      applied.add(item.getKind() + "/" + item.getMetadata().getName());
    }
    System.out.println("[e2e] the chart's agent objects applied: " + applied);
    assertThat(applied).anyMatch(a -> a.startsWith("DaemonSet/"));
  }

  /**
   * Waits for the agent pod on the VM's Node to run with its container ready; with {@code before},
   * for that container to have been started again (another container id).
   */
  private static Pod awaitAgentPod(KubernetesClient client, Pod before, Duration timeout)
      throws InterruptedException {
    String was =
        before == null ? null : before.getStatus().getContainerStatuses().get(0).getContainerID();
    long deadline = System.nanoTime() + timeout.toNanos();
    Pod last = null;
    while (System.nanoTime() < deadline) {
      try {
        last =
            client
                .pods()
                .inNamespace(NAMESPACE)
                .withLabel("app.kubernetes.io/component", "agent")
                .withField("spec.nodeName", NODE)
                .list()
                .getItems()
                .stream()
                .findFirst()
                .orElse(null);
      } catch (RuntimeException e) {
        // the API server is busy; look again
      }
      if (last != null
          && "Running".equals(last.getStatus().getPhase())
          && last.getStatus().getContainerStatuses() != null
          && !last.getStatus().getContainerStatuses().isEmpty()) {
        ContainerStatus c = last.getStatus().getContainerStatuses().get(0);
        if (Boolean.TRUE.equals(c.getReady())
            && c.getContainerID() != null
            && !c.getContainerID().equals(was)) {
          assertThat(c.getImage()).isEqualTo(AGENT_IMAGE);
          return last;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "the agent pod on "
            + NODE
            + " is not running and ready"
            + (was == null ? "" : " again")
            + ": "
            + (last == null ? "no pod" : last.getStatus()));
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
}
