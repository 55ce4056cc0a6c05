package dev.treewave.crds;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the CRDs of the api module's resources, finished by {@link CrdFinish}. Run at {@code
 * process-classes} (exec plugin) instead of fabric8's Maven plugin, because that plugin cannot take
 * a post-processor, and the generator alone orders printer columns by JSON path, leaves the root,
 * spec and status without a description and cannot mark conditions as a map.
 */
public final class GenerateCrds {
  static final List<Class<? extends HasMetadata>> RESOURCES = List.of(OSImage.class, OSNode.class);

  private GenerateCrds() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: GenerateCrds OUTPUT_DIR");
    }
    Path out = Files.createDirectories(Path.of(args[0]));
    int written =
        new CRDGenerator()
            .inOutputDir(out.toFile())
            .forCRDVersions("v1")
            .withPostProcessor(new CrdFinish(RESOURCES))
            .customResourceClasses(RESOURCES)
            .generate();
    if (written != RESOURCES.size()) {
      throw new IllegalStateException("generated " + written + " CRDs, expected " + RESOURCES);
    }
  }
}
