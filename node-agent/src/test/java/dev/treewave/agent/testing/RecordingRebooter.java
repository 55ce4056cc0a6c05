package dev.treewave.agent.testing;

import dev.treewave.agent.host.HostOsException;
import dev.treewave.agent.host.Rebooter;
import java.util.ArrayList;
import java.util.List;

/**
 * Records reboot requests (the harness then plays the bootloader); can be made to fail.
 * Synchronized: integration tests read it from the test thread while the agent's loop writes it.
 */
public final class RecordingRebooter implements Rebooter {

  private final Crashpoints crashpoints;
  private final List<String> requests = new ArrayList<>();
  private int pending;
  private String failWith;

  public RecordingRebooter(Crashpoints crashpoints) {
    this.crashpoints = crashpoints;
  }

  public synchronized void failNext(String message) {
    failWith = message;
  }

  @Override
  public synchronized void requestReboot(String reason) throws HostOsException {
    crashpoints.hit("reboot.before");
    if (failWith != null) {
      String message = failWith;
      failWith = null;
      throw new HostOsException(HostOsException.Kind.FAILED, message);
    }
    requests.add(reason);
    pending++;
    crashpoints.hit("reboot.after");
  }

  /** Whether a request is waiting for the harness to reboot; clears it. */
  public synchronized boolean hasPending() {
    return pending > 0;
  }

  public synchronized boolean takePending() {
    boolean any = pending > 0;
    pending = 0;
    return any;
  }

  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public String name() {
    return "recording";
  }
}
