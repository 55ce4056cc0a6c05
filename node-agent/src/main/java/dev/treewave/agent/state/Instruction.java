package dev.treewave.agent.state;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The operator's current instruction for this node, with what is needed to carry it out.
 *
 * @param id unique per instruction; the agent acts on each id at most once
 * @param commit the target commit (required for STAGE and ACTIVATE; for ROLLBACK optional: when
 *     given, the rollback must land on it)
 * @param target source and deployment settings; null only for NONE and ROLLBACK
 * @param defect why the instruction cannot be carried out although the spec is well-formed (e.g. a
 *     trusted key's Secret is missing), or null
 */
public record Instruction(String id, Action action, String commit, Target target, String defect) {

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{64}");

  public Instruction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(action, "action");
  }

  public Instruction(String id, Action action, String commit, Target target) {
    this(id, action, commit, target, null);
  }

  /** An instruction that cannot be carried out, for the reason given. */
  public static Instruction defective(String id, Action action, String commit, String defect) {
    return new Instruction(id, action, commit, null, defect);
  }

  public InstructionRef ref() {
    return new InstructionRef(id, action, commit);
  }

  /** Why this instruction cannot be carried out as written, or null when it can. */
  public String problem() {
    if (defect != null) {
      return defect;
    }
    if (commit != null && !COMMIT.matcher(commit).matches()) {
      return "commit " + commit + " is not a 64-character lower-case hex checksum";
    }
    if ((action == Action.STAGE || action == Action.ACTIVATE) && commit == null) {
      return action + " needs a commit";
    }
    if ((action == Action.STAGE || action == Action.ACTIVATE) && target == null) {
      return action + " needs the image source (osName, url, ref, verification)";
    }
    return null;
  }
}
