package dev.treewave.agent.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Numbered places where a test can kill the agent. Fakes call {@link #hit} around every effect;
 * when the armed number is reached, {@link SimulatedCrash} (an Error, so no agent code catches it)
 * unwinds the agent as a SIGKILL would, and the test builds a new agent over the same host and
 * journal.
 */
public final class Crashpoints {

  /** The agent process "dies" here. */
  public static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String where) {
      super("simulated crash at " + where, null, false, false);
    }
  }

  private final List<String> hits = new ArrayList<>();
  private int crashAt = -1;
  private String crashedAt;

  /** Crash at the {@code n}-th hit from now on (1-based), once. */
  public void armAt(int n) {
    crashAt = hits.size() + n;
  }

  public void hit(String where) {
    hits.add(where);
    if (hits.size() == crashAt) {
      crashAt = -1;
      crashedAt = where;
      throw new SimulatedCrash(where);
    }
  }

  public List<String> hits() {
    return List.copyOf(hits);
  }

  /** Where the crash happened, or null. */
  public String crashedAt() {
    return crashedAt;
  }
}
