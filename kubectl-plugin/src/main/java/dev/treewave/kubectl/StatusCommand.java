package dev.treewave.kubectl;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Where rollouts stand, and what they wait for.",
      "Without NAME: one line per OSImage. With NAME: its waves, every node (agent state, instruction, booted commit, last report) and what blocks it, and why."
    })
final class StatusCommand implements Callable<Integer> {
  /** Clears the terminal and homes the cursor, as watch(1) does between refreshes. */
  private static final String CLEAR = "\033[H\033[2J";

  @ParentCommand KubectlTreewave root;
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "The OSImage.")
  String name;

  @Option(
      names = {"-w", "--watch"},
      description = "Refresh until interrupted (Ctrl-C).")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      defaultValue = "2",
      description = "Seconds between refreshes with --watch (default: ${DEFAULT-VALUE}).")
  int intervalSeconds;

  @Override
  public Integer call() throws InterruptedException {
    if (intervalSeconds < 1) {
      throw new IllegalArgumentException("--interval must be at least 1 second");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (KubernetesClient client = root.client()) {
      do {
        String screen = render(client);
        if (watch) {
          out.print(CLEAR);
          out.println("Every " + intervalSeconds + "s: kubectl treewave status " + orAll());
        }
        out.print(screen);
        out.flush();
        if (watch) {
          Thread.sleep(Duration.ofSeconds(intervalSeconds).toMillis());
        }
      } while (watch);
    }
    return 0;
  }

  private String orAll() {
    return name != null ? name : "";
  }

  String render(KubernetesClient client) {
    if (name == null) {
      List<OSImage> images =
          client.resources(OSImage.class).list().getItems().stream()
              .sorted(Comparator.comparing(i -> i.getMetadata().getName()))
              .toList();
      return StatusView.list(images);
    }
    OSImage image = KubectlTreewave.get(client, name);
    List<OSNode> nodes =
        client.resources(OSNode.class).list().getItems().stream()
            .filter(n -> n.getSpec() != null && name.equals(n.getSpec().osImage()))
            .toList();
    return StatusView.render(image, nodes, Instant.now());
  }
}
