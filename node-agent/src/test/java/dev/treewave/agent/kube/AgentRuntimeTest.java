package dev.treewave.agent.kube;

import static dev.treewave.agent.testing.TestNode.A;
import static dev.treewave.agent.testing.TestNode.B;
import static dev.treewave.agent.testing.TestNode.GIB;
import static dev.treewave.agent.testing.TestNode.OS;
import static dev.treewave.agent.testing.TestNode.REF;
import static dev.treewave.agent.testing.TestNode.TRUSTED_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.agent.AgentRuntime;
import dev.treewave.agent.config.AgentConfig;
import dev.treewave.agent.config.AgentConfigParser;
import dev.treewave.agent.host.Management;
import dev.treewave.agent.testing.Crashpoints;
import dev.treewave.agent.testing.FakeHostOs;
import dev.treewave.agent.testing.OsNodes;
import dev.treewave.agent.testing.RecordingRebooter;
import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's Kubernetes side against the Fabric8 mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class AgentRuntimeTest {

  private static final String NODE = "worker-1";
  private static final String OTHER_NODE = "worker-2";

  KubernetesClient client;

  @TempDir Path hostRoot;

  private final Crashpoints crashpoints = new Crashpoints();
  private final FakeHostOs host = new FakeHostOs(crashpoints);
  private final RecordingRebooter rebooter = new RecordingRebooter(crashpoints);
  private AgentRuntime runtime;

  @AfterEach
  void stop() throws Exception {
    if (runtime != null) {
      runtime.close();
    }
  }

  private AgentRuntime startAgent() throws Exception {
    AgentConfig config =
        AgentConfigParser.parse(
            Map.of(),
            "--node-name=" + NODE,
            "--host-root=" + hostRoot,
            "--reboot-strategy=none",
            "--resync-interval=200ms",
            "--retry-backoff=100ms",
            "--progress-interval=0ms",
            "--http-port=0");
    return AgentRuntime.start(client, config, host, rebooter, Clock.systemUTC());
  }

  private static Instruction instruction(String id, NodeAction action, String commit) {
    return new Instruction(id, action, commit, "2026-11-22T10:00:00Z");
  }

  private void createKeySecret() {
    client
        .secrets()
        .inNamespace("treewave-system")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("image-keys")
                .withNamespace("treewave-system")
                .endMetadata()
                .withData(Map.of("ed25519.pub", Base64.getEncoder().encodeToString(TRUSTED_KEY)))
                .build())
        .create();
  }

  private void createOsNode(String name, Instruction instruction) {
    OsNodes.create(
        client,
        name,
        OsNodes.ed25519Spec(
            "debian-12",
            OS,
            new ImageSource("http://127.0.0.1:1/repo", REF, B),
            "treewave-system",
            instruction));
  }

  private void setInstruction(Instruction instruction) {
    OsNodes.instruct(client, NODE, instruction);
  }

  private OSNodeStatus status(String name) {
    return OsNodes.status(client, name);
  }

  private static Optional<Condition> condition(OSNodeStatus status, String type) {
    return status.conditionsOrEmpty().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private OSNodeStatus awaitState(AgentState state) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              OSNodeStatus status = status(NODE);
              assertThat(status).isNotNull();
              assertThat(status.agentState()).isEqualTo(state);
            });
    return status(NODE);
  }

  @Test
  void stagesActivatesRebootsOnceAndReportsTheBootedCommit() throws Exception {
    host.bootedFrom(OS, A, GIB).serving(B, GIB, TRUSTED_KEY);
    createKeySecret();
    createOsNode(NODE, instruction("s1", NodeAction.Stage, B));
    createOsNode(OTHER_NODE, instruction("o1", NodeAction.Stage, B));

    runtime = startAgent();
    OSNodeStatus staged = awaitState(AgentState.WaitingForPermission);

    assertThat(staged.lastCompletedInstructionId()).isEqualTo("s1");
    assertThat(staged.deploymentsOrEmpty())
        .extracting(OSDeployment::commit, OSDeployment::isStaged, OSDeployment::isBooted)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(B, true, false),
            org.assertj.core.groups.Tuple.tuple(A, false, true));
    assertThat(staged.booted().commit()).isEqualTo(A);
    assertThat(condition(staged, StatusMapper.STAGED).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(rebooter.requests()).isEmpty();
    assertThat(status(OTHER_NODE)).as("the agent touches only its own OSNode").isNull();
    assertThat(client.resources(OSNode.class).withName(NODE).get().getSpec().instruction().id())
        .as("the agent never writes the spec")
        .isEqualTo("s1");

    setInstruction(instruction("a1", NodeAction.Activate, B));
    OSNodeStatus rebooting = awaitState(AgentState.Rebooting);

    assertThat(condition(rebooting, StatusMapper.REBOOT_PENDING).orElseThrow().getStatus())
        .isEqualTo("True");
    assertThat(rebooter.requests()).hasSize(1);

    // The harness plays the bootloader: stop the agent, reboot the host, start the agent again.
    runtime.close();
    runtime = null;
    rebooter.takePending();
    host.reboot();
    runtime = startAgent();
    OSNodeStatus booted = awaitState(AgentState.Booted);

    assertThat(booted.lastCompletedInstructionId()).isEqualTo("a1");
    assertThat(booted.booted().commit()).isEqualTo(B);
    assertThat(booted.booted().bootId()).isEqualTo("boot-2");
    assertThat(booted.lastError()).isNull();
    assertThat(condition(booted, StatusMapper.REBOOT_PENDING).orElseThrow().getStatus())
        .isEqualTo("False");
    assertThat(condition(booted, StatusMapper.STAGED).orElseThrow().getStatus()).isEqualTo("False");
    assertThat(rebooter.requests()).hasSize(1);
    assertThat(host.reboots()).isEqualTo(1);

    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(30)).until(() -> get(http, "/readyz").statusCode() == 200);
    assertThat(get(http, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(http, "/metrics").body())
        .contains("treewave_agent_state{node=\"worker-1\",state=\"Booted\"} 1");
  }

  @Test
  void aMissingKeySecretFailsTheInstructionWithAClearError() throws Exception {
    host.bootedFrom(OS, A, GIB).serving(B, GIB, TRUSTED_KEY);
    createOsNode(NODE, instruction("s1", NodeAction.Stage, B));

    runtime = startAgent();
    OSNodeStatus failed = awaitState(AgentState.Failed);

    assertThat(failed.lastError().instructionId()).isEqualTo("s1");
    assertThat(failed.lastError().reason()).isEqualTo("InvalidInstruction");
    assertThat(failed.lastError().message()).contains("treewave-system/image-keys");
    assertThat(condition(failed, StatusMapper.DEGRADED).orElseThrow().getReason())
        .isEqualTo("InvalidInstruction");
    assertThat(host.downloads(B)).isZero();
  }

  @Test
  void aHostManagedByAnotherToolIsReportedUnmanaged() throws Exception {
    host.bootedFrom(OS, A, GIB)
        .serving(B, GIB, TRUSTED_KEY)
        .withManagement(new Management.ManagedByOther("rpm-ostree", "rpm-ostreed is active"));
    createKeySecret();
    createOsNode(NODE, instruction("a1", NodeAction.Activate, B));

    runtime = startAgent();
    OSNodeStatus status = awaitState(AgentState.Unmanaged);

    Condition unmanaged = condition(status, StatusMapper.UNMANAGED).orElseThrow();
    assertThat(unmanaged.getStatus()).isEqualTo("True");
    assertThat(unmanaged.getReason()).isEqualTo("ManagedByOtherTool");
    assertThat(unmanaged.getMessage()).contains("rpm-ostree");
    assertThat(host.downloads(B)).isZero();
    assertThat(rebooter.requests()).isEmpty();
  }

  @Test
  void aNodeWithoutAnOsNodeIsReadyAndIdle() throws Exception {
    host.bootedFrom(OS, A, GIB);

    runtime = startAgent();

    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(30)).until(() -> get(http, "/readyz").statusCode() == 200);
    assertThat(client.resources(OSNode.class).list().getItems()).isEmpty();
    assertThat(rebooter.requests()).isEmpty();
  }

  private HttpResponse<String> get(HttpClient http, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
