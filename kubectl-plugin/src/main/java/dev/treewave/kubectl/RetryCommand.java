package dev.treewave.kubectl;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    description = {
      "Retry failed, skipped or stuck nodes.",
      "Sets the treewave.dev/retry annotation: the nodes' recorded outcome is dropped and they are"
          + " staged afresh. The operator removes the annotation once it has acted."
    })
final class RetryCommand extends OSImageWrite {
  @Parameters(index = "1..*", arity = "0..*", paramLabel = "NODE", description = "Nodes to retry.")
  List<String> nodes = new ArrayList<>();

  @Option(names = "--failed", description = "Every failed, skipped or stuck node.")
  boolean failed;

  @Override
  String patch() {
    if (failed == !nodes.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give NODE names or --failed (one of them)");
    }
    return OSImageEdits.retry(failed ? List.of() : nodes);
  }

  @Override
  String done() {
    return "retrying " + (failed ? "every failed node" : String.join(", ", nodes));
  }
}
