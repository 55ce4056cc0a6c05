package dev.treewave.agent.state;

import java.util.Objects;

/**
 * The part of an instruction the journal keeps: enough to know what was acted on, without the
 * source or key material (those are read from the current spec when work resumes).
 *
 * @param commit the target commit; for a rollback without an explicit commit, null
 */
public record InstructionRef(String id, Action action, String commit) {

  public InstructionRef {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(action, "action");
  }
}
