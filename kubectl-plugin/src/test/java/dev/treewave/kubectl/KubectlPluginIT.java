package dev.treewave.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.BootedDeployment;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.NodeCounts;
import dev.treewave.api.v1alpha1.NodeIssue;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeSpec;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.api.v1alpha1.WaveState;
import dev.treewave.api.v1alpha1.WaveStatus;
import dev.treewave.testing.Processes;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.ControlPlaneBinaries;
import dev.treewave.testing.kube.ControlPlaneOptions;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin against a real kube-apiserver: every writer changes exactly the field or annotation
 * the operator reads, errors are one line with exit code 1, and {@code kubectl treewave} (the real
 * kubectl finding bin/kubectl-treewave on PATH) shows waves, nodes and blockers.
 */
class KubectlPluginIT {
  private static final String V1 = "1".repeat(64);
  private static final String V2 = "2".repeat(64);

  private static ControlPlane plane;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    plane =
        ControlPlane.start(
            ControlPlaneOptions.apiServerOnly().withKwok(true).withName("KubectlPluginIT"));
    plane.installCrds(
        KubectlPluginIT.class,
        "/crds/osimages.treewave.dev-v1.yml",
        "/crds/osnodes.treewave.dev-v1.yml");
    client = plane.client();
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void writersChangeOnlyTheirFieldAndUndoingRemovesIt() {
    create("edit");

    assertThat(run("pause", "edit").code()).isZero();
    assertThat(get("edit").getSpec().isPaused()).isTrue();

    Result abort = run("abort", "edit", "--reason", "INC-9 canary panics");
    assertThat(abort.out()).contains("osimage.treewave.dev/edit aborted: INC-9 canary panics");
    assertThat(annotations("edit")).containsEntry(OSImage.ABORT_ANNOTATION, "INC-9 canary panics");

    assertThat(run("resume", "edit", "--wave", "2").code()).isZero();
    OSImage resumed = get("edit");
    assertThat(resumed.getSpec().paused()).as("removed, not false").isNull();
    assertThat(annotations("edit"))
        .doesNotContainKey(OSImage.ABORT_ANNOTATION)
        .containsEntry(OSImage.RESUME_WAVE_ANNOTATION, "2");

    assertThat(run("retry", "edit", "node-a", "node-b").code()).isZero();
    assertThat(annotations("edit")).containsEntry(OSImage.RETRY_ANNOTATION, "node-a,node-b");
    assertThat(run("retry", "edit", "--failed").code()).isZero();
    assertThat(annotations("edit")).containsEntry(OSImage.RETRY_ANNOTATION, "all");

    assertThat(run("rollback", "edit").code()).isZero();
    assertThat(get("edit").getSpec().isRollback()).isTrue();
    assertThat(run("rollback", "edit", "--cancel").code()).isZero();
    assertThat(get("edit").getSpec().rollback()).isNull();

    assertThat(get("edit").getSpec().source().ref()).as("nothing else changed").isEqualTo("os/x");
  }

  @Test
  void mistakesAreOneLineWithExitCodeOne() {
    Result missing = run("pause", "no-such-image");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err().strip())
        .isEqualTo("error: osimages.treewave.dev \"no-such-image\" not found");

    create("usage");
    Result neither = run("retry", "usage");
    assertThat(neither.code()).isEqualTo(1);
    assertThat(neither.err()).startsWith("error: give NODE names or --failed");
    assertThat(run("resume", "usage", "--wave", "0").err()).contains("--wave must be 1 or more");
    assertThat(run("bogus").code()).isEqualTo(1);
  }

  @Test
  void kubectlFindsThePluginAndStatusShowsWavesNodesAndBlockers(@TempDir Path home)
      throws Exception {
    create("fleet");
    OSImage image = get("fleet");
    image.setStatus(
        new OSImageStatus(
            1L,
            OSImagePhase.RollingOut,
            V2,
            "41.2",
            1,
            new NodeCounts(2, 0, 1, 1, 0, 0, 0, 0),
            List.of(
                new WaveStatus(0, List.of("fleet-0"), WaveState.Completed, 1, null, null),
                new WaveStatus(1, List.of("fleet-1"), WaveState.InProgress, 0, null, null)),
            "by name",
            List.of(
                new NodeIssue(
                    "fleet-1",
                    "DrainBlocked",
                    "PodDisruptionBudget apps/web allows 0 disruptions",
                    Instant.now().toString())),
            null,
            List.of()));
    client.resource(image).updateStatus();
    osNode("fleet-0", AgentState.Booted, V2);
    osNode("fleet-1", AgentState.WaitingForPermission, V1);

    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    Path kubectl = ControlPlaneBinaries.locate().kubectl();
    ProcessBuilder command = new ProcessBuilder(kubectl.toString(), "treewave", "status", "fleet");
    command.environment().put("PATH", repo.resolve("bin") + ":" + System.getenv("PATH"));
    command.environment().put("KUBECONFIG", plane.kubeconfigFile().toString());
    command.environment().put("HOME", home.toString());
    Processes.Result result = Processes.run(command, Duration.ofMinutes(2));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .contains("OSImage fleet  phase RollingOut  target 222222222222 (41.2)  updated 1/2")
        .containsPattern("fleet-0 +0 +Booted +- +222222222222")
        .containsPattern("fleet-1 +1 +WaitingForPermission")
        .contains("fleet-1  DrainBlocked: PodDisruptionBudget apps/web allows 0 disruptions");

    Result list = run("status");
    assertThat(list.out()).containsPattern("fleet +RollingOut +222222222222 \\(41.2\\) +1 +1/2");
  }

  @Test
  void planPreviewsTheWavesOfTheLiveNodes() {
    plane.kwokNodes().createReady("plan-0", Map.of("pool", "plan"));
    plane.kwokNodes().createReady("plan-1", Map.of("pool", "plan"));
    create("plan");

    Result plan = run("plan", "plan", "--commit", V2);

    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("plan-0").contains("plan-1");
  }

  private static void create(String name) {
    client
        .resource(
            new OSImage(
                name,
                new OSImageSpec(
                    "os",
                    new ImageSource("https://repo.example.com/ostree", "os/x", null),
                    new Verification(VerificationMode.Disabled, null),
                    new LabelSelectorBuilder().addToMatchLabels("pool", name).build(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null)))
        .create();
  }

  private static void osNode(String name, AgentState state, String booted) {
    OSNode node =
        client
            .resource(
                new OSNode(
                    name,
                    new OSNodeSpec(
                        "fleet",
                        "os",
                        new ImageSource("https://repo.example.com/ostree", "os/x", null),
                        new Verification(VerificationMode.Disabled, null),
                        null,
                        null)))
            .create();
    node.setStatus(
        new OSNodeStatus(
            1L,
            state,
            null,
            List.of(),
            new BootedDeployment(booted, null, null),
            null,
            null,
            List.of(),
            null,
            Instant.now().toString()));
    client.resource(node).updateStatus();
  }

  private static OSImage get(String name) {
    return client.resources(OSImage.class).withName(name).get();
  }

  private static Map<String, String> annotations(String name) {
    Map<String, String> a = get(name).getMetadata().getAnnotations();
    return a != null ? a : Map.of();
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    all[0] = "--kubeconfig";
    all[1] = plane.kubeconfigFile().toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int code = KubectlTreewave.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }
}
