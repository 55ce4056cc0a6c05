package dev.treewave.crds;

import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.ControlPlaneOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A kube-apiserver with the CRDs as committed (not as generated), for tests of their schema. */
final class CommittedCrds {
  private CommittedCrds() {}

  static ControlPlane start(String name) throws IOException {
    ControlPlane plane = ControlPlane.start(ControlPlaneOptions.apiServerOnly().withName(name));
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("crds.committed")))) {
      for (Path file : files.sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          plane.installCrd(in);
        }
      }
    } catch (IOException | RuntimeException e) {
      plane.close();
      throw e;
    }
    return plane;
  }
}
