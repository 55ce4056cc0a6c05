package dev.treewave.agent;

import dev.treewave.agent.kube.InstructionReader;
import dev.treewave.agent.state.Instruction;
import dev.treewave.agent.state.NodeAgent;
import dev.treewave.api.v1alpha1.OSNode;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link NodeAgent#reconcile} on one thread: when told the spec changed, after the delay a
 * pass asks for, and every resync interval. Triggers that arrive while a pass runs are coalesced
 * into one more pass.
 */
public final class AgentLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

  private final NodeAgent agent;
  private final Supplier<OSNode> osNode;
  private final BooleanSupplier synced;
  private final InstructionReader reader;
  private final Consumer<Long> observedGeneration;
  private final Duration resync;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile boolean failed;
  private ScheduledFuture<?> timer; // touched only on the loop thread

  public AgentLoop(
      NodeAgent agent,
      Supplier<OSNode> osNode,
      BooleanSupplier synced,
      InstructionReader reader,
      Consumer<Long> observedGeneration,
      Duration resync) {
    this.agent = agent;
    this.osNode = osNode;
    this.synced = synced;
    this.reader = reader;
    this.observedGeneration = observedGeneration;
    this.resync = resync;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "treewave-agent-loop");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Asks for a pass as soon as possible. */
  public void trigger() {
    if (queued.compareAndSet(false, true)) {
      try {
        executor.execute(this::pass);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        queued.set(false); // closing
      }
    }
  }

  /** Whether the loop still runs (a pass that threw an Error stops it; the pod then restarts). */
  public boolean live() {
    return !failed && !executor.isShutdown();
  }

  private void pass() {
    queued.set(false);
    if (timer != null) {
      timer.cancel(false);
    }
    Duration next = resync;
    try {
      if (!synced.getAsBoolean()) {
        // Before the first list arrives, "no OSNode" would read as "no instruction" and abandon
        // work in flight; wait for the watch instead (it triggers a pass when it has the object).
        timer = executor.schedule(this::trigger, 1, TimeUnit.SECONDS);
        return;
      }
      OSNode node = osNode.get();
      observedGeneration.accept(node != null ? node.getMetadata().getGeneration() : null);
      Instruction desired = reader.read(node);
      NodeAgent.Outcome outcome = agent.reconcile(desired);
      if (outcome instanceof NodeAgent.Outcome.RetryAfter retry
          && retry.delay().compareTo(resync) < 0) {
        next = retry.delay();
      }
    } catch (RuntimeException e) {
      LOG.error("Agent pass failed; trying again in {}", resync, e);
    } catch (Error e) {
      failed = true;
      LOG.error("Agent loop stopped", e);
      throw e;
    }
    timer = executor.schedule(this::trigger, next.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }
}
