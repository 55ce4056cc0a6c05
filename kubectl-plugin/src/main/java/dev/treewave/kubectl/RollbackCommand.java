package dev.treewave.kubectl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Send every updated node back to its previous deployment.",
      "Sets spec.rollback; the nodes go back within the same budgets. --cancel drops it."
    })
final class RollbackCommand extends OSImageWrite {
  @Option(names = "--cancel", description = "Stop rolling back (drops spec.rollback).")
  boolean cancel;

  @Override
  String patch() {
    return OSImageEdits.rollback(!cancel);
  }

  @Override
  String done() {
    return cancel ? "rollback cancelled" : "rolling back to the previous deployments";
  }
}
