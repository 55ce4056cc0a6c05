package dev.treewave.agent.testing;

import dev.treewave.agent.host.KernelArgs;
import dev.treewave.agent.host.VerificationPolicy;
import dev.treewave.agent.state.Action;
import dev.treewave.agent.state.AgentSettings;
import dev.treewave.agent.state.AgentState;
import dev.treewave.agent.state.AgentTelemetry;
import dev.treewave.agent.state.FileJournalStore;
import dev.treewave.agent.state.Instruction;
import dev.treewave.agent.state.JournalStore;
import dev.treewave.agent.state.NodeAgent;
import dev.treewave.agent.state.Target;
import dev.treewave.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One node under test: a {@link FakeHostOs}, the real journal file, recording rebooter and
 * reporter, and the harness's loop, which restarts the agent after a simulated crash and plays the
 * bootloader after a reboot request (a reboot also kills the agent).
 */
public final class TestNode {

  public static final String OS = "debian";
  public static final String REF = "debian/12/x86_64/minbase";
  public static final byte[] TRUSTED_KEY = "trusted-ed25519-key".getBytes(StandardCharsets.UTF_8);
  public static final byte[] OTHER_KEY = "untrusted-key".getBytes(StandardCharsets.UTF_8);
  public static final String A = commit('a');
  public static final String B = commit('b');
  public static final String C = commit('c');
  public static final String D = commit('d');
  public static final long GIB = 1024L * 1024 * 1024;

  public final Crashpoints crashpoints = new Crashpoints();
  public final FakeHostOs host = new FakeHostOs(crashpoints);
  public final RecordingRebooter rebooter = new RecordingRebooter(crashpoints);
  public final RecordingReporter reporter = new RecordingReporter(crashpoints);
  public final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  public final Path journalFile;
  public final JournalStore store;
  public AgentSettings settings =
      new AgentSettings(2, GIB, 3, Duration.ofSeconds(10), Duration.ofMinutes(15), Duration.ZERO);
  public AgentTelemetry telemetry = AgentTelemetry.NONE;
  private NodeAgent agent;
  private int starts;

  public TestNode(Path hostRoot) {
    journalFile = hostRoot.resolve("var/lib/treewave/agent-state.json");
    store = new CrashingJournalStore(new FileJournalStore(journalFile), crashpoints);
  }

  public static String commit(char c) {
    return String.valueOf(c).repeat(64);
  }

  public static Target target() {
    return new Target(
        OS,
        URI.create("http://127.0.0.1:1/repo"),
        REF,
        new VerificationPolicy(VerificationPolicy.Scheme.ED25519, List.of(TRUSTED_KEY)),
        new KernelArgs(List.of("console=ttyS0"), List.of("quiet")));
  }

  public static Instruction stage(String id, String commit) {
    return new Instruction(id, Action.STAGE, commit, target());
  }

  public static Instruction activate(String id, String commit) {
    return new Instruction(id, Action.ACTIVATE, commit, target());
  }

  public static Instruction rollback(String id, String commit) {
    return new Instruction(id, Action.ROLLBACK, commit, target());
  }

  public static Instruction none(String id) {
    return new Instruction(id, Action.NONE, null, target());
  }

  /** The current agent process, started on first use. */
  public NodeAgent agent() {
    if (agent == null) {
      agent = new NodeAgent(host, rebooter, store, reporter, telemetry, settings, clock);
      starts++;
    }
    return agent;
  }

  /** Kills the agent process; the next {@link #agent()} starts a new one from the journal. */
  public void kill() {
    agent = null;
  }

  public int starts() {
    return starts;
  }

  /**
   * Runs passes as the agent's loop would until the agent rests: a crash restarts it, a reboot
   * request makes the simulated bootloader reboot the host (and restarts the agent), a retry
   * advances the clock by the requested delay.
   *
   * @return the state of the last report
   */
  public AgentState settle(Instruction desired) {
    for (int pass = 0; pass < 100; pass++) {
      NodeAgent.Outcome outcome;
      try {
        outcome = agent().reconcile(desired);
      } catch (Crashpoints.SimulatedCrash crash) {
        kill();
        continue;
      }
      if (rebooter.takePending()) {
        host.reboot();
        kill();
        continue;
      }
      if (outcome instanceof NodeAgent.Outcome.RetryAfter retry) {
        clock.advance(retry.delay());
        continue;
      }
      return reporter.last().state();
    }
    throw new AssertionError("the agent did not settle: " + reporter.stateNames());
  }
}
