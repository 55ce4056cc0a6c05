package dev.treewave.kubectl;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    description = {
      "Stop disrupting new nodes (spec.paused).",
      "Nodes already cordoned finish their update. A GitOps tool that owns the OSImage may set it back: pause in Git there."
    })
final class PauseCommand implements Callable<Integer> {
  @ParentCommand KubectlTreewave root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The OSImage.")
  String name;

  @Override
  public Integer call() {
    try (KubernetesClient client = root.client()) {
      KubectlTreewave.patch(client, name, OSImageEdits.pause());
    }
    spec.commandLine().getOut().println("osimage.treewave.dev/" + name + " paused");
    return 0;
  }
}
