package dev.treewave.operator.rollout;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Lets tests outside this package run the fake agents in a loop and read what they did. */
public final class FakeAgentsAccess {
  private static final Map<KubernetesClient, FakeAgents> AGENTS = new ConcurrentHashMap<>();

  private FakeAgentsAccess() {}

  public static Runnable loop(KubernetesClient client) {
    FakeAgents agents = AGENTS.computeIfAbsent(client, FakeAgents::new);
    return () -> {
      try {
        agents.act();
      } catch (RuntimeException e) {
        // A conflict with the operator's own write: try again on the next tick.
      }
    };
  }

  /**
   * From now on {@code node}'s reboots into a new commit fail: its agent reports {@code BootFailed}
   * and the node keeps running what it ran (as after a boot counter fallback).
   */
  public static void failBoots(KubernetesClient client, String node) {
    FakeAgents agents = AGENTS.computeIfAbsent(client, FakeAgents::new);
    synchronized (agents) {
      agents.failing.add(node);
    }
  }

  /** While {@code hold} is true, {@code node}'s agent leaves an Activate instruction pending. */
  public static void holdActivation(KubernetesClient client, String node, boolean hold) {
    FakeAgents agents = AGENTS.computeIfAbsent(client, FakeAgents::new);
    synchronized (agents) {
      if (hold) {
        agents.holding.add(node);
      } else {
        agents.holding.remove(node);
      }
    }
  }

  /** Calls {@code listener} with the node name on each reboot, before the agent reports it. */
  public static void onReboot(KubernetesClient client, Consumer<String> listener) {
    FakeAgents agents = AGENTS.computeIfAbsent(client, FakeAgents::new);
    synchronized (agents) {
      agents.onReboot = listener;
    }
  }

  /** Reboots the agents performed, one entry per reboot. */
  public static List<String> reboots(KubernetesClient client) {
    FakeAgents agents = AGENTS.get(client);
    synchronized (agents) {
      return new ArrayList<>(agents.reboots);
    }
  }
}
