package dev.treewave.agent.testing;

import dev.treewave.agent.state.NodeReport;
import dev.treewave.agent.state.StatusReporter;
import java.util.ArrayList;
import java.util.List;

/** Keeps every report that "reached the API server"; a crash before publishing loses one. */
public final class RecordingReporter implements StatusReporter {

  private final Crashpoints crashpoints;
  private final List<NodeReport> published = new ArrayList<>();
  private int failures;

  public RecordingReporter(Crashpoints crashpoints) {
    this.crashpoints = crashpoints;
  }

  /** The next {@code n} reports fail as an unreachable API server would. */
  public void failNext(int n) {
    failures = n;
  }

  @Override
  public void report(NodeReport report) throws Exception {
    crashpoints.hit("report.before:" + report.state().name());
    if (failures > 0) {
      failures--;
      throw new Exception("API server unreachable");
    }
    published.add(report);
  }

  public List<NodeReport> published() {
    return List.copyOf(published);
  }

  public NodeReport last() {
    return published.isEmpty() ? null : published.get(published.size() - 1);
  }

  public List<String> stateNames() {
    return published.stream().map(r -> r.state().name()).toList();
  }
}
