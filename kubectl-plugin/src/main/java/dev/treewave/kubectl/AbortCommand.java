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
    name = "abort",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the rollout now; uncordon nodes not yet rebooting.",
      "Sets the treewave.dev/abort annotation: nothing more is cordoned, staged or activated, nodes cordoned but not yet rebooting are uncordoned, nodes already rebooting finish. Updated nodes stay updated (rollback sends them back). Undo with resume."
    })
final class AbortCommand implements Callable<Integer> {
  @ParentCommand KubectlTreewave root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The OSImage.")
  String name;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why, shown in the OSImage's status (default: who aborted).")
  String reason;

  @Override
  public Integer call() {
    String why =
        reason != null && !reason.isBlank()
            ? reason
            : "aborted with kubectl treewave by " + System.getProperty("user.name", "someone");
    try (KubernetesClient client = root.client()) {
      KubectlTreewave.patch(client, name, OSImageEdits.abort(why));
    }
    spec.commandLine().getOut().println("osimage.treewave.dev/" + name + " aborted: " + why);
    return 0;
  }
}
