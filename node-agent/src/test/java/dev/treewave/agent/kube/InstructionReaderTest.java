package dev.treewave.agent.kube;

import static dev.treewave.agent.testing.TestNode.B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.agent.host.VerificationPolicy;
import dev.treewave.agent.state.Action;
import dev.treewave.agent.state.Instruction;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.KernelArguments;
import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeSpec;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstructionReaderTest {

  private static final KeyReference KEY = KeyReference.configMap("ns", "keys", "pub.gpg");

  private static OSNode node(NodeAction action, Verification verification) {
    return new OSNode(
        "worker-1",
        new OSNodeSpec(
            "img",
            "debian",
            new ImageSource("http://127.0.0.1:8000/repo", "debian/12", B),
            verification,
            new KernelArguments(List.of("console=ttyS0"), List.of("quiet")),
            new dev.treewave.api.v1alpha1.Instruction("i1", action, B, null)));
  }

  private final InstructionReader reader =
      new InstructionReader(
          reference -> {
            if (reference.configMapRef() != null) {
              return "armored key".getBytes(StandardCharsets.UTF_8);
            }
            throw new KeySource.KeyUnavailableException(
                "trusted key Secret ns/gone does not exist");
          });

  @Test
  void readsAnActivateWithItsKeysAndKernelArguments() {
    Instruction instruction =
        reader.read(
            node(NodeAction.Activate, new Verification(VerificationMode.GPG, List.of(KEY))));

    assertThat(instruction.id()).isEqualTo("i1");
    assertThat(instruction.action()).isEqualTo(Action.ACTIVATE);
    assertThat(instruction.commit()).isEqualTo(B);
    assertThat(instruction.problem()).isNull();
    assertThat(instruction.target().url().toString()).isEqualTo("http://127.0.0.1:8000/repo");
    assertThat(instruction.target().ref()).isEqualTo("debian/12");
    assertThat(instruction.target().verification().scheme())
        .isEqualTo(VerificationPolicy.Scheme.GPG);
    assertThat(instruction.target().verification().trustedKeys())
        .containsExactly("armored key".getBytes(StandardCharsets.UTF_8));
    assertThat(instruction.target().kernelArgs().add()).containsExactly("console=ttyS0");
    assertThat(instruction.target().kernelArgs().remove()).containsExactly("quiet");
  }

  @Test
  void onlyACommitTheOSImagePinsMayBeOlderThanTheRef() {
    OSNode resolved = node(NodeAction.Stage, new Verification(VerificationMode.GPG, List.of(KEY)));
    assertThat(reader.read(resolved).target().pinned()).isFalse();

    OSNodeSpec spec = resolved.getSpec();
    OSNode pinned =
        new OSNode(
            "worker-1",
            new OSNodeSpec(
                spec.osImage(),
                spec.osName(),
                spec.source(),
                spec.verification(),
                spec.kernelArguments(),
                spec.instruction(),
                true));
    assertThat(reader.read(pinned).target().pinned()).isTrue();
  }

  @Test
  void keysAreReadOncePerInstruction() {
    int[] reads = {0};
    InstructionReader counting =
        new InstructionReader(
            reference -> {
              reads[0]++;
              return new byte[] {1};
            });
    OSNode node = node(NodeAction.Stage, new Verification(VerificationMode.GPG, List.of(KEY)));

    counting.read(node);
    counting.read(node);
    assertThat(reads[0]).isEqualTo(1);

    node.setSpec(
        node.getSpec()
            .withInstruction(
                new dev.treewave.api.v1alpha1.Instruction("i2", NodeAction.Activate, B, null)));
    counting.read(node);
    assertThat(reads[0]).isEqualTo(2);
  }

  @Test
  void disabledVerificationNeedsNoKeys() {
    Instruction instruction =
        reader.read(node(NodeAction.Stage, new Verification(VerificationMode.Disabled, null)));

    assertThat(instruction.target().verification().required()).isFalse();
  }

  @Test
  void anUnreadableKeyMakesTheInstructionDefective() {
    Instruction instruction =
        reader.read(
            node(
                NodeAction.Stage,
                new Verification(
                    VerificationMode.Ed25519, List.of(KeyReference.secret("ns", "gone", "k")))));

    assertThat(instruction.problem()).contains("ns/gone");
    assertThat(instruction.target()).isNull();
  }

  @Test
  void noInstructionMeansNothingToDo() {
    OSNode node = node(NodeAction.None, new Verification(VerificationMode.Disabled, null));
    node.setSpec(node.getSpec().withInstruction(null));

    assertThat(reader.read(node)).isNull();
    assertThat(reader.read(null)).isNull();
  }

  @Test
  void rollbackNeedsNoSource() {
    Instruction instruction =
        reader.read(
            node(
                NodeAction.Rollback,
                new Verification(
                    VerificationMode.Ed25519, List.of(KeyReference.secret("ns", "gone", "k")))));

    assertThat(instruction.action()).isEqualTo(Action.ROLLBACK);
    assertThat(instruction.problem()).isNull();
  }
}
