package dev.treewave.agent.state;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.HostFacts;
import dev.treewave.agent.host.HostOs;
import dev.treewave.agent.host.HostOsException;
import dev.treewave.agent.host.PullProgress;
import dev.treewave.agent.host.PullRequest;
import dev.treewave.agent.host.Rebooter;
import dev.treewave.agent.host.SpaceNeeded;
import dev.treewave.agent.host.StageRequest;
import dev.treewave.agent.state.AgentState.Activating;
import dev.treewave.agent.state.AgentState.BootFailed;
import dev.treewave.agent.state.AgentState.Booted;
import dev.treewave.agent.state.AgentState.Failed;
import dev.treewave.agent.state.AgentState.Pulling;
import dev.treewave.agent.state.AgentState.Rebooting;
import dev.treewave.agent.state.AgentState.RollingBack;
import dev.treewave.agent.state.AgentState.Staging;
import dev.treewave.agent.state.AgentState.Unmanaged;
import dev.treewave.agent.state.AgentState.Verifying;
import dev.treewave.agent.state.AgentState.Working;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link StateMachine} against the host: one {@link #reconcile} pass moves the agent
 * through as many states as it can (persisting each in the journal before acting on it) until it
 * rests, and reports after every transition. Single-threaded by design: calls are serialized.
 *
 * <p>Crash safety comes from the order of operations: the journal records a state before its host
 * operation runs, a reboot is requested only right after {@link Rebooting} is durable, and reports
 * are rebuilt from the journal and the host on every pass. A new {@code NodeAgent} over the same
 * journal and host (what a restarted pod is) resumes where the old one stopped.
 */
public final class NodeAgent {

  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

  /** More transitions than any instruction needs; a guard against a loop between states. */
  private static final int MAX_TRANSITIONS_PER_PASS = 32;

  /** What the caller should do after a pass. */
  public sealed interface Outcome {
    /** Nothing to do until the instruction changes or the periodic resync. */
    record Rest() implements Outcome {}

    /** Call {@link #reconcile} again after {@code delay}. */
    record RetryAfter(Duration delay) implements Outcome {}
  }

  private final HostOs host;
  private final Rebooter rebooter;
  private final JournalStore store;
  private final StatusReporter reporter;
  private final AgentTelemetry telemetry;
  private final AgentSettings settings;
  private final Clock clock;

  private Journal journal; // null until loaded
  private HostFacts lastFacts;
  private PullProgress pullProgress;
  private DiskCheck diskCheck; // of the pull in flight
  private Instant lastProgressReport = Instant.MIN;
  private boolean reportFailed;

  public NodeAgent(
      HostOs host,
      Rebooter rebooter,
      JournalStore store,
      StatusReporter reporter,
      AgentTelemetry telemetry,
      AgentSettings settings,
      Clock clock) {
    this.host = Objects.requireNonNull(host, "host");
    this.rebooter = Objects.requireNonNull(rebooter, "rebooter");
    this.store = Objects.requireNonNull(store, "store");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The journal as last loaded or saved, or null before the first pass. */
  public synchronized Journal journal() {
    return journal;
  }

  /**
   * Moves towards {@code desired} (null: no instruction) as far as possible now.
   *
   * @return when to call again
   */
  public synchronized Outcome reconcile(Instruction desired) {
    reportFailed = false;
    try {
      if (journal == null) {
        journal = store.load().orElse(Journal.initial());
        telemetry.stateChanged(journal.state());
      }
      Outcome outcome = run(desired);
      return reportFailed && outcome instanceof Outcome.Rest
          ? new Outcome.RetryAfter(settings.retryBackoff())
          : outcome;
    } catch (JournalException e) {
      // Without a trustworthy journal the agent cannot know whether it already rebooted for the
      // current instruction, so it does nothing but say so.
      LOG.error("Agent journal unusable: {}", e.getMessage());
      journal = null;
      report(new Unmanaged("JournalUnusable", e.getMessage()), null);
      return new Outcome.RetryAfter(settings.retryBackoff());
    }
  }

  private Outcome run(Instruction desired) throws JournalException {
    for (int transitions = 0; transitions < MAX_TRANSITIONS_PER_PASS; transitions++) {
      HostFacts facts;
      try {
        facts = host.inspect();
      } catch (HostOsException e) {
        LOG.warn("Cannot inspect the host: {}", e.getMessage());
        report(journal.state(), lastFacts);
        return new Outcome.RetryAfter(settings.retryBackoff());
      }
      lastFacts = facts;
      Instant now = clock.instant();
      AgentState next = StateMachine.next(journal, desired, facts, now, settings.rebootTimeout());
      if (next instanceof Unmanaged) {
        report(next, facts);
        return new Outcome.Rest();
      }
      boolean changed = !next.equals(journal.state());
      if (changed) {
        moveTo(next, facts);
      }
      if (next instanceof Working working) {
        Optional<Outcome> stop = perform(working, desired, facts);
        if (stop.isPresent()) {
          return stop.get();
        }
        continue;
      }
      if (changed) {
        continue; // a resting state may lead straight on (e.g. Booted, then Idle for None)
      }
      Outcome outcome = keepHouse(next, facts);
      report(journal.state(), lastFacts);
      return outcome;
    }
    throw new IllegalStateException(
        "no resting state after " + MAX_TRANSITIONS_PER_PASS + " transitions: " + journal);
  }

  /** Runs one working state's host operation; returns a non-empty outcome to end the pass. */
  private Optional<Outcome> perform(Working working, Instruction desired, HostFacts facts)
      throws JournalException {
    String problem = desired.problem();
    if (problem != null && !(working instanceof Activating || working instanceof RollingBack)) {
      // The spec changed under a running instruction (e.g. its key Secret was deleted).
      moveTo(
          new Failed(
              working.instruction(),
              new Failure(FailureReason.INVALID_INSTRUCTION, problem, clock.instant())),
          facts);
      return Optional.empty();
    }
    try {
      if (working instanceof Pulling) {
        pull(desired);
      } else if (working instanceof Verifying) {
        String signer = host.verify(desired.commit(), desired.target().verification());
        LOG.info("Commit {} verified: {}", desired.commit(), signer);
      } else if (working instanceof Staging) {
        Instant start = clock.instant();
        Deployment staged =
            host.stage(
                new StageRequest(
                    desired.target().osName(), desired.commit(), desired.target().kernelArgs()));
        telemetry.stageFinished(Duration.between(start, clock.instant()));
        LOG.info("Staged {}", staged.directoryName());
      } else if (working instanceof Activating activating) {
        host.makeDefault(activating.targetCommit());
      } else {
        host.makeDefault(((RollingBack) working).targetCommit());
      }
    } catch (HostOsException e) {
      return fail(working, e);
    }
    AgentState after = StateMachine.succeeded(working, facts, clock.instant());
    HostFacts changed = reinspect(facts); // so the report shows what the step did
    moveTo(after, changed);
    if (after instanceof Rebooting rebooting) {
      requestReboot(rebooting, changed);
    }
    return Optional.empty();
  }

  private HostFacts reinspect(HostFacts fallback) {
    try {
      lastFacts = host.inspect();
      return lastFacts;
    } catch (HostOsException e) {
      LOG.warn("Cannot inspect the host: {}", e.getMessage());
      return fallback;
    }
  }

  private void pull(Instruction desired) throws HostOsException {
    pullProgress = null;
    diskCheck = null;
    if (host.hasCommit(desired.commit())) {
      LOG.info("Commit {} is already in the repository; nothing to download", desired.commit());
      return;
    }
    Target target = desired.target();
    PullRequest request =
        new PullRequest(
            target.url(), target.ref(), desired.commit(), target.verification(), target.pinned());
    ensureDiskSpace(request);
    Instant start = clock.instant();
    pullProgress = PullProgress.NONE;
    host.pull(request, this::onPullProgress);
    long bytes = pullProgress.fetchedBytes();
    pullProgress = null;
    diskCheck = null;
    telemetry.pullFinished(bytes, Duration.between(start, clock.instant()));
  }

  /**
   * Refuses a pull that would leave less than the reserve free, pruning first if that could help.
   * When nothing published tells the pull's size, only the reserve is checked, and the report says
   * so.
   */
  private void ensureDiskSpace(PullRequest request) throws HostOsException {
    SpaceNeeded needed = host.spaceNeeded(request);
    DiskCheck check = new DiskCheck(needed, settings.diskReserveBytes(), host.freeBytes());
    if (!check.enough()) {
      long freed = host.pruneRepository();
      check = new DiskCheck(needed, settings.diskReserveBytes(), host.freeBytes());
      if (check.enough()) {
        LOG.info("Pruning the repository freed {} bytes; enough for the pull now", freed);
      }
    }
    diskCheck = check;
    if (!check.enough()) {
      diskCheck = null;
      throw new HostOsException(
          HostOsException.Kind.NO_SPACE,
          "not enough disk space, nothing downloaded: "
              + check.message(request.commit())
              + " (after pruning)");
    }
    if (needed.known()) {
      LOG.info("Disk space checked: {}", check.message(request.commit()));
    } else {
      LOG.warn("Disk space only partly checked: {}", check.message(request.commit()));
    }
    report(journal.state(), lastFacts);
  }

  private void onPullProgress(PullProgress progress) {
    pullProgress = progress;
    Instant now = clock.instant();
    if (!now.isBefore(lastProgressReport.plus(settings.progressInterval()))) {
      lastProgressReport = now;
      report(journal.state(), lastFacts);
    }
  }

  private Optional<Outcome> fail(Working working, HostOsException e) throws JournalException {
    Instant now = clock.instant();
    pullProgress = null;
    diskCheck = null;
    if (e.kind().retryable() && journal.attempts() + 1 < settings.maxAttempts()) {
      Failure failure = new Failure(StateMachine.reasonFor(working, e.kind()), e.getMessage(), now);
      LOG.warn(
          "{} failed (attempt {} of {}), retrying: {}",
          working.name(),
          journal.attempts() + 1,
          settings.maxAttempts(),
          e.getMessage());
      journal = journal.retrying(failure);
      store.save(journal);
      report(journal.state(), lastFacts);
      return Optional.of(new Outcome.RetryAfter(settings.retryBackoff()));
    }
    Failed failed = StateMachine.failed(working, e, now);
    LOG.error("{} failed: {}", working.name(), e.getMessage());
    telemetry.failed(failed.failure().reason());
    moveTo(failed, lastFacts);
    return Optional.empty();
  }

  private void requestReboot(Rebooting rebooting, HostFacts facts) throws JournalException {
    String reason =
        "treewave instruction "
            + rebooting.instruction().id()
            + ": boot commit "
            + rebooting.expectedCommit();
    try {
      LOG.info("Requesting a reboot ({}) with strategy {}", reason, rebooter.name());
      rebooter.requestReboot(reason);
      telemetry.rebootRequested();
    } catch (HostOsException e) {
      Failure failure = new Failure(FailureReason.REBOOT_FAILED, e.getMessage(), clock.instant());
      LOG.error("Reboot request failed: {}", e.getMessage());
      telemetry.failed(failure.reason());
      moveTo(new Failed(rebooting.instruction(), failure), facts);
    }
  }

  /**
   * Idempotent upkeep in resting states: the bootloader told the boot is good, safe default after a
   * failed boot, retention.
   */
  private Outcome keepHouse(AgentState state, HostFacts facts) {
    try {
      Optional<Deployment> running = facts.deployments().booted();
      if (running.isPresent()
          && facts.deployments().defaultDeployment().equals(running)
          && host.markBootSuccessful()) {
        // The agent is up on the default deployment: stop the bootloader's countdown to fallback.
        LOG.info("Marked the boot of {} successful", running.get().directoryName());
      }
      if (state instanceof BootFailed) {
        Optional<Deployment> booted = facts.deployments().booted();
        if (booted.isPresent() && !facts.deployments().defaultDeployment().equals(booted)) {
          LOG.warn("Boot fell back; making the booted deployment the default again");
          host.makeDefault(booted.get().commit());
          lastFacts = host.inspect();
        }
      } else if (state instanceof Booted) {
        List<Deployment> surplus =
            Retention.surplus(facts.deployments(), settings.maxDeployments());
        for (Deployment deployment : surplus) {
          LOG.info("Removing old deployment {}", deployment.directoryName());
          host.undeploy(deployment);
        }
        if (!surplus.isEmpty()) {
          long freed = host.pruneRepository();
          LOG.info("Pruned the repository: {} bytes freed", freed);
          lastFacts = host.inspect();
        }
      }
      return new Outcome.Rest();
    } catch (HostOsException e) {
      LOG.warn("Housekeeping in {} failed, will retry: {}", state.name(), e.getMessage());
      return new Outcome.RetryAfter(settings.retryBackoff());
    }
  }

  private void moveTo(AgentState next, HostFacts facts) throws JournalException {
    Journal updated = journal.moveTo(next);
    store.save(updated);
    journal = updated;
    LOG.info(
        "State {}{}",
        next.name(),
        next.instruction() != null ? " (instruction " + next.instruction().id() + ")" : "");
    telemetry.stateChanged(next);
    report(next, facts);
  }

  private NodeReport.Retry retry() {
    if (journal == null || journal.retryError() == null) {
      return null;
    }
    return new NodeReport.Retry(
        journal.attempts(),
        settings.maxAttempts(),
        journal.retryError().at().plus(settings.retryBackoff()));
  }

  private void report(AgentState state, HostFacts facts) {
    NodeReport report =
        new NodeReport(
            state,
            journal != null ? journal.lastCompletedInstructionId() : null,
            facts,
            state instanceof Pulling ? pullProgress : null,
            journal != null ? journal.retryError() : null,
            state instanceof Pulling ? diskCheck : null,
            retry());
    try {
      reporter.report(report);
    } catch (Exception e) {
      reportFailed = true;
      LOG.warn("Cannot report status (will retry): {}", e.getMessage());
    }
  }
}
