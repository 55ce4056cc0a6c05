package dev.treewave.agent.testing;

import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.KernelArguments;
import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeSpec;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * The test playing the operator on an agent's OSNode: it writes the spec (the only writer of it in
 * production is the operator) and reads back the status the agent reported.
 */
public final class OsNodes {

  private OsNodes() {}

  /**
   * A spec whose commits must carry an ed25519 signature by a key in the Secret {@code image-keys}
   * ({@code ed25519.pub}), the one {@link dev.treewave.testing.kube.AgentRights#install} lets the
   * agent read.
   */
  public static OSNodeSpec ed25519Spec(
      String osImage,
      String osName,
      ImageSource source,
      String keyNamespace,
      Instruction instruction) {
    return new OSNodeSpec(
        osImage,
        osName,
        source,
        new Verification(
            VerificationMode.Ed25519,
            List.of(KeyReference.secret(keyNamespace, "image-keys", "ed25519.pub"))),
        new KernelArguments(List.of("console=ttyS0"), null),
        instruction);
  }

  public static void create(KubernetesClient client, String name, OSNodeSpec spec) {
    client.resources(OSNode.class).resource(new OSNode(name, spec)).create();
  }

  /** The node's status, or null while the OSNode or its status does not exist. */
  public static OSNodeStatus status(KubernetesClient client, String name) {
    OSNode osNode = client.resources(OSNode.class).withName(name).get();
    return osNode != null ? osNode.getStatus() : null;
  }

  /** Replaces the instruction in the node's spec, as the operator does. */
  public static void instruct(KubernetesClient client, String name, Instruction instruction) {
    client
        .resources(OSNode.class)
        .withName(name)
        .edit(
            n -> {
              n.setSpec(n.getSpec().withInstruction(instruction));
              return n;
            });
  }
}
