package dev.treewave.kubectl;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.operator.kube.HttpCommitResolver;
import dev.treewave.operator.kube.KubeKeys;
import dev.treewave.operator.preview.PlanPreview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Preview waves, node order and the next steps; changes nothing.",
      "Runs the operator's own planner and PodDisruptionBudget pre-check on the live cluster."
    })
final class PlanCommand implements Callable<Integer> {
  @ParentCommand KubectlTreewave root;
  @Spec CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  Source source;

  static final class Source {
    @Parameters(paramLabel = "NAME", description = "An OSImage in the cluster.")
    String name;

    @Option(
        names = {"-f", "--filename"},
        paramLabel = "FILE",
        description = "An OSImage manifest not applied yet.")
    Path file;
  }

  @Option(
      names = "--commit",
      paramLabel = "CHECKSUM",
      description =
          "Target commit (default: the status's target, the pinned commit, else the ref resolved"
              + " from the repository).")
  String commit;

  @Override
  public Integer call() throws Exception {
    try (KubernetesClient client = root.client()) {
      OSImage image =
          source.file != null ? read(source.file) : KubectlTreewave.get(client, source.name);
      spec.commandLine()
          .getOut()
          .print(PlanPreview.render(client, image, target(client, image), null));
    }
    return 0;
  }

  private String target(KubernetesClient client, OSImage image) throws Exception {
    if (commit != null) {
      return commit;
    }
    if (image.getStatus() != null && image.getStatus().targetCommit() != null) {
      return image.getStatus().targetCommit();
    }
    if (image.getSpec().source() != null && image.getSpec().source().commit() != null) {
      return image.getSpec().source().commit();
    }
    return new HttpCommitResolver(new KubeKeys(client))
        .resolve(image.getSpec().source(), image.getSpec().verification())
        .commit();
  }

  private static OSImage read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      OSImage image = Serialization.unmarshal(in, OSImage.class);
      if (image == null || image.getSpec() == null) {
        throw new IllegalArgumentException(file + ": not an OSImage manifest");
      }
      return image;
    }
  }
}
