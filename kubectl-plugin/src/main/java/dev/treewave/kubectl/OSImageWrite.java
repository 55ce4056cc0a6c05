package dev.treewave.kubectl;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command that writes one merge patch to one OSImage and says what it did, kubectl-style ({@code
 * osimage.treewave.dev/NAME paused}). Subclasses only name the patch and the words.
 */
abstract class OSImageWrite implements Callable<Integer> {
  @ParentCommand KubectlTreewave root;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The OSImage.")
  String name;

  /** The JSON merge patch (see {@link OSImageEdits}); may refuse bad options by throwing. */
  abstract String patch();

  /** What happened, after the name: "paused", "aborted: why". */
  abstract String done();

  @Override
  public final Integer call() {
    String patch = patch();
    try (KubernetesClient client = root.client()) {
      KubectlTreewave.patch(client, name, patch);
    }
    spec.commandLine().getOut().println("osimage.treewave.dev/" + name + " " + done());
    return 0;
  }
}
