package dev.treewave.ostree.hostile;

import java.util.List;

/** The JVM the node agent runs in, for tests that fork one with its limits. */
final class AgentJvm {
  /** The heap and OOM behaviour of the node agent's JVM. */
  static final List<String> FLAGS =
      List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC");

  private AgentJvm() {}
}
