package dev.treewave.operator.rollout;

import io.fabric8.kubernetes.client.KubernetesClient;

/** Lets tests outside this package run the fake agents in a loop. */
public final class FakeAgentsAccess {
  private FakeAgentsAccess() {}

  public static Runnable loop(KubernetesClient client) {
    FakeAgents agents = new FakeAgents(client);
    return () -> {
      try {
        agents.act();
      } catch (RuntimeException e) {
        // A conflict with the operator's own write: try again on the next tick.
      }
    };
  }
}
