package dev.treewave.e2e.demo;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.e2e.LocalCluster;
import dev.treewave.e2e.RolloutWatch;
import dev.treewave.e2e.SimulatedNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bin/demo}: starts the local system ({@link LocalCluster}), rolls the signed OS commit v2
 * out over the nodes running v1 in waves (canary first) while printing what happens, prints a
 * summary of what every node booted, and stops everything (also on Ctrl-C).
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws Exception {
    int nodes = 5;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--nodes") && i + 1 < args.length) {
        nodes = Integer.parseInt(args[++i]);
      } else if (args[i].startsWith("--nodes=")) {
        nodes = Integer.parseInt(args[i].substring("--nodes=".length()));
      } else {
        System.err.println("usage: bin/demo [--nodes N]   (N from 2 to 50, default 5)");
        System.exit(2);
      }
    }
    if (nodes < 2 || nodes > 50) {
      System.err.println("--nodes must be between 2 and 50");
      System.exit(2);
    }
    Path work = Files.createTempDirectory("treewave-demo-");
    AtomicReference<LocalCluster> running = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean finished =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread cleanup =
        new Thread(
            () -> {
              LocalCluster c = running.getAndSet(null);
              if (c != null) {
                say("stopping the operator, agents, control plane and repository server ...");
                c.close();
                say("cleaned up " + work);
              } else if (!finished.get()) {
                // Interrupted while starting: the control plane stops itself (its own hook);
                // the scratch sysroots are ours to remove.
                say("interrupted while starting; removing " + work);
                try {
                  LocalCluster.deleteTree(work);
                } catch (RuntimeException e) {
                  say("could not remove " + work + ": " + e.getMessage());
                }
              }
            },
            "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);

    say("starting the local system: " + nodes + " nodes (work folder " + work + ")");
    LocalCluster cluster =
        LocalCluster.start(new LocalCluster.Options(nodes, work, line -> say(line)));
    running.set(cluster);

    String v2 = cluster.repository().v2();
    OSImage image = cluster.image("demo-os", v2, false, 1);
    say("");
    say(
        "applying OSImage demo-os: commit v2 "
            + LocalCluster.shortId(v2)
            + ", waves: canary (1 node), then the rest in waves, at most 1 node disrupted");
    Instant began = Instant.now();
    OSImage done;
    try (RolloutWatch watch =
        new RolloutWatch(
            cluster.client(), "demo-os", cluster.workloadReplicas(), line -> say(line))) {
      cluster.client().resource(image).create();
      try {
        done = awaitEnd(cluster, Duration.ofMinutes(10));
      } catch (RuntimeException e) {
        if (running.get() == null) {
          return; // Ctrl-C: the shutdown hook has stopped everything under us
        }
        throw e;
      }
      Thread.sleep(300); // let the watch print the last changes
      Duration took = Duration.between(began, Instant.now());
      say("");
      say(
          String.format(
              "rollout %s in %.1f s: %d/%d nodes updated",
              done.getStatus().phase(),
              took.toMillis() / 1000.0,
              done.getStatus().nodes().updated(),
              done.getStatus().nodes().total()));
      say(
          String.format(
              "disruption: at most %d node(s) unavailable at once (budget 1); fewest ready"
                  + " '%s' pods %d of %d (PodDisruptionBudget minAvailable %d)",
              watch.maxUnavailable(),
              LocalCluster.WORKLOAD,
              watch.minReadyPods(),
              cluster.workloadReplicas(),
              cluster.workloadMinAvailable()));
    }
    say("");
    say(
        String.format(
            "%-8s  %-22s  %-22s  %-5s  %s",
            "node", "OSNode status booted", "sysroot booted", "boots", "match"));
    int mismatches = 0;
    for (SimulatedNode node : cluster.nodes()) {
      OSNode osNode = cluster.client().resources(OSNode.class).withName(node.name()).get();
      String reported =
          osNode != null && osNode.getStatus() != null && osNode.getStatus().booted() != null
              ? osNode.getStatus().booted().commit()
              : null;
      String version =
          osNode != null && osNode.getStatus() != null && osNode.getStatus().booted() != null
              ? osNode.getStatus().booted().version()
              : null;
      String real = node.bootedCommit().orElse(null);
      boolean match = real != null && real.equals(reported) && real.equals(v2);
      if (!match) {
        mismatches++;
      }
      say(
          String.format(
              "%-8s  v%-4s %-16s  %-22s  %-5d  %s",
              node.name(),
              version,
              LocalCluster.shortId(reported),
              LocalCluster.shortId(real),
              node.boots(),
              match ? "yes" : "NO"));
    }
    boolean ok = done.getStatus().phase() == OSImagePhase.Completed && mismatches == 0;
    say("");
    say(
        ok
            ? "every node runs v2 and reports exactly what its sysroot booted."
            : "the rollout did not complete cleanly; see above.");
    Runtime.getRuntime().removeShutdownHook(cleanup);
    cleanup.run();
    finished.set(true);
    System.exit(ok ? 0 : 1);
  }

  private static OSImage awaitEnd(LocalCluster cluster, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      OSImage image = cluster.client().resources(OSImage.class).withName("demo-os").get();
      if (image != null
          && image.getStatus() != null
          && (image.getStatus().phase() == OSImagePhase.Completed
              || image.getStatus().phase() == OSImagePhase.Failed)) {
        return image;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("rollout did not finish within " + timeout);
  }

  private static void say(String line) {
    System.out.println(line.isEmpty() ? "" : "[demo] " + line);
    System.out.flush();
  }
}
