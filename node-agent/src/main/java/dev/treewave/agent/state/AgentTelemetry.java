package dev.treewave.agent.state;

import java.time.Duration;

/** What the agent tells its metrics about; a port so the state machine stays free of Micrometer. */
public interface AgentTelemetry {

  AgentTelemetry NONE = new AgentTelemetry() {};

  default void stateChanged(AgentState state) {}

  default void pullFinished(long bytes, Duration duration) {}

  default void stageFinished(Duration duration) {}

  default void rebootRequested() {}

  default void failed(FailureReason reason) {}
}
