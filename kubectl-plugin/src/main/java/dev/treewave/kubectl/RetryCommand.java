package dev.treewave.kubectl;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    description = {
      "Retry failed, skipped or stuck nodes.",
      "Sets the treewave.dev/retry annotation: the nodes' recorded outcome is dropped and they are staged afresh. The operator removes the annotation once it has acted."
    })
final class RetryCommand implements Callable<Integer> {
  @ParentCommand KubectlTreewave root;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The OSImage.")
  String name;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "NODE", description = "Nodes to retry.")
  List<String> nodes = new ArrayList<>();

  @Option(names = "--failed", description = "Every failed, skipped or stuck node.")
  boolean failed;

  @Override
  public Integer call() {
    if (failed == !nodes.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give NODE names or --failed (one of them)");
    }
    try (KubernetesClient client = root.client()) {
      KubectlTreewave.patch(client, name, OSImageEdits.retry(failed ? List.of() : nodes));
    }
    spec.commandLine()
        .getOut()
        .println(
            "osimage.treewave.dev/"
                + name
                + " retrying "
                + (nodes.isEmpty() ? "every failed node" : String.join(", ", nodes)));
    return 0;
  }
}
