package dev.treewave.agent.kube;

import dev.treewave.agent.host.KernelArgs;
import dev.treewave.agent.host.VerificationPolicy;
import dev.treewave.agent.state.Action;
import dev.treewave.agent.state.Instruction;
import dev.treewave.agent.state.Target;
import dev.treewave.api.v1alpha1.KernelArguments;
import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeSpec;
import dev.treewave.api.v1alpha1.Verification;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the node's OSNode spec into the agent's {@link Instruction}, reading the trusted keys.
 * Trouble with the spec becomes a defective instruction, which the agent reports as failed with the
 * reason, rather than an exception in the loop.
 */
public final class InstructionReader {

  private final KeySource keys;

  // The policy resolved for the current instruction: keys are read once per instruction, not on
  // every pass of every agent (a thousand nodes would otherwise GET Secrets all day).
  private String cachedFor;
  private VerificationPolicy cached;

  public InstructionReader(KeySource keys) {
    this.keys = keys;
  }

  /** The instruction, or null when the OSNode does not exist or carries none. */
  public Instruction read(OSNode node) {
    if (node == null || node.getSpec() == null || node.getSpec().instruction() == null) {
      return null;
    }
    OSNodeSpec spec = node.getSpec();
    dev.treewave.api.v1alpha1.Instruction instruction = spec.instruction();
    if (instruction.id() == null || instruction.action() == null) {
      return null; // rejected by the CRD schema; nothing safe to act on
    }
    Action action = action(instruction.action());
    String commit = instruction.commit();
    if (action == Action.NONE) {
      return new Instruction(instruction.id(), action, commit, null);
    }
    if (action == Action.ROLLBACK) {
      return new Instruction(instruction.id(), action, commit, null);
    }
    if (spec.source() == null || spec.osName() == null || spec.verification() == null) {
      return Instruction.defective(
          instruction.id(), action, commit, "the OSNode spec lacks osName, source or verification");
    }
    URI url;
    try {
      url = URI.create(spec.source().url());
    } catch (IllegalArgumentException e) {
      return Instruction.defective(
          instruction.id(), action, commit, "source.url is not a URL: " + e.getMessage());
    }
    VerificationPolicy policy;
    String cacheKey = instruction.id() + "\n" + spec.verification();
    if (cacheKey.equals(cachedFor)) {
      policy = cached;
    } else {
      try {
        policy = policy(spec.verification());
      } catch (KeySource.KeyUnavailableException | IllegalArgumentException e) {
        return Instruction.defective(instruction.id(), action, commit, e.getMessage());
      }
      cachedFor = cacheKey;
      cached = policy;
    }
    Target target =
        new Target(
            spec.osName(),
            url,
            spec.source().ref(),
            policy,
            kernelArgs(spec),
            Boolean.TRUE.equals(spec.pinned()));
    return new Instruction(instruction.id(), action, commit, target);
  }

  private VerificationPolicy policy(Verification verification)
      throws KeySource.KeyUnavailableException {
    if (verification.mode() == null) {
      throw new IllegalArgumentException("verification.mode is missing");
    }
    VerificationPolicy.Scheme scheme =
        switch (verification.mode()) {
          case GPG -> VerificationPolicy.Scheme.GPG;
          case Ed25519 -> VerificationPolicy.Scheme.ED25519;
          case Disabled -> VerificationPolicy.Scheme.DISABLED;
        };
    if (scheme == VerificationPolicy.Scheme.DISABLED) {
      return VerificationPolicy.disabled();
    }
    List<byte[]> material = new ArrayList<>();
    for (KeyReference reference : verification.keysOrEmpty()) {
      material.add(keys.read(reference));
    }
    return new VerificationPolicy(scheme, material);
  }

  private static KernelArgs kernelArgs(OSNodeSpec spec) {
    KernelArguments args = spec.kernelArguments();
    return args == null ? KernelArgs.NONE : new KernelArgs(args.addOrEmpty(), args.removeOrEmpty());
  }

  private static Action action(dev.treewave.api.v1alpha1.NodeAction action) {
    return switch (action) {
      case None -> Action.NONE;
      case Stage -> Action.STAGE;
      case Activate -> Action.ACTIVATE;
      case Rollback -> Action.ROLLBACK;
    };
  }
}
