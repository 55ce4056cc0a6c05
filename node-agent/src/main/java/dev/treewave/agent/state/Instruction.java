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
 */
public record Instruction(String id, Action action, String commit, Target target) {

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{64}");

  public Instruction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(action, "action");
  }

  public InstructionRef ref() {
    return new InstructionRef(id, action, commit);
  }

  /** Why this instruction cannot be carried out as written, or null when it can. */
  public String problem() {
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
