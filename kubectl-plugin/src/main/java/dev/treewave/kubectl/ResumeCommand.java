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
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Go on after pause or abort.",
      "Drops spec.paused and the treewave.dev/abort annotation. --wave N also lifts the untilResumed pause before wave N."
    })
final class ResumeCommand implements Callable<Integer> {
  @ParentCommand KubectlTreewave root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The OSImage.")
  String name;

  @Option(
      names = "--wave",
      paramLabel = "N",
      description = "Lift the untilResumed pause before wave N (the canary is wave 0).")
  Integer wave;

  @Override
  public Integer call() {
    if (wave != null && wave < 1) {
      throw new IllegalArgumentException("--wave must be 1 or more (no pause comes before wave 0)");
    }
    try (KubernetesClient client = root.client()) {
      KubectlTreewave.patch(client, name, OSImageEdits.resume(wave));
    }
    spec.commandLine()
        .getOut()
        .println(
            "osimage.treewave.dev/"
                + name
                + " resumed"
                + (wave != null ? " (wave " + wave + " may start)" : ""));
    return 0;
  }
}
