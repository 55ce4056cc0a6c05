package dev.treewave.kubectl;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Send every updated node back to its previous deployment.",
      "Sets spec.rollback; the nodes go back within the same budgets. --cancel drops it."
    })
final class RollbackCommand implements Callable<Integer> {
  @ParentCommand KubectlTreewave root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The OSImage.")
  String name;

  @Option(names = "--cancel", description = "Stop rolling back (drops spec.rollback).")
  boolean cancel;

  @Override
  public Integer call() {
    try (KubernetesClient client = root.client()) {
      KubectlTreewave.patch(client, name, OSImageEdits.rollback(!cancel));
    }
    spec.commandLine()
        .getOut()
        .println(
            "osimage.treewave.dev/"
                + name
                + (cancel ? " rollback cancelled" : " rolling back to the previous deployments"));
    return 0;
  }
}
