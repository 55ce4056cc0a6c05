package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes what the active boot configuration no longer references (ostree-format.md section 7.8):
 * the other boot version's directories, other deployment refs, deployment directories and their
 * origins, kernels of unused boot checksums. Only ever deletes unreferenced things, so it is safe
 * to interrupt and to re-run.
 */
final class SysrootCleaner {

  private final SysrootPaths paths;
  private final SysrootFs fs;

  SysrootCleaner(SysrootPaths paths, SysrootFs fs) {
    this.paths = paths;
    this.fs = fs;
  }

  /** Cleans up around {@code state}, which must be freshly loaded (or just written). */
  void clean(SysrootState state) throws IOException {
    int b = state.bootversion();
    int s = state.subbootversion();
    fs.deleteTree(paths.boot().resolve("loader.tmp"));
    fs.deleteTree(paths.loaderDir(1 - b));
    fs.deleteTree(paths.bootlinkLink(1 - b));
    fs.deleteTree(paths.bootlinkDir(1 - b, 0));
    fs.deleteTree(paths.bootlinkDir(1 - b, 1));
    fs.deleteTree(paths.bootlinkDir(b, 1 - s));
    fs.deleteTree(paths.root().resolve("ostree/boot." + b + ".tmp"));
    fs.deleteTree(paths.root().resolve("ostree/boot." + (1 - b) + ".tmp"));
    cleanRefs(b, s);

    List<Deployment> keep = state.withStaged();
    Set<Deployment.Id> keepIds = new HashSet<>();
    keep.forEach(d -> keepIds.add(d.id()));
    state.booted().ifPresent(keepIds::add);
    cleanDeploymentDirs(keepIds);

    Set<String> keepKernels = new HashSet<>();
    keep.forEach(d -> keepKernels.add(d.osname() + "-" + d.bootcsum()));
    cleanKernels(keepKernels);
  }

  private void cleanRefs(int b, int s) throws IOException {
    Path base = paths.deploymentRefs();
    for (Path bdir : children(base)) {
      String bname = bdir.getFileName().toString();
      if (!bname.equals(Integer.toString(b))) {
        fs.deleteTree(bdir);
        continue;
      }
      for (Path sdir : children(bdir)) {
        if (!sdir.getFileName().toString().equals(Integer.toString(s))) {
          fs.deleteTree(sdir);
        }
      }
    }
  }

  private void cleanDeploymentDirs(Set<Deployment.Id> keep) throws IOException {
    for (Path stateroot : children(paths.root().resolve("ostree/deploy"))) {
      String osname = stateroot.getFileName().toString();
      for (Path entry : children(stateroot.resolve("deploy"))) {
        String name = entry.getFileName().toString();
        boolean origin = name.endsWith(".origin");
        String dirName = origin ? name.substring(0, name.length() - ".origin".length()) : name;
        Optional<Deployment.Id> id = Deployment.parseDirName(osname, dirName);
        if (id.isEmpty() || keep.contains(id.get())) {
          continue;
        }
        if (!origin) {
          // Interrupted between the two, either leftover is unreferenced and goes next time.
          fs.deleteTree(paths.originFile(id.get()));
          fs.setImmutable(entry, false);
          fs.deleteTree(entry);
        } else if (!Files.exists(paths.deployDir(id.get()), LinkOption.NOFOLLOW_LINKS)) {
          fs.deleteTree(entry);
        }
      }
    }
  }

  private void cleanKernels(Set<String> keep) throws IOException {
    for (Path dir : children(paths.boot().resolve("ostree"))) {
      String name = dir.getFileName().toString();
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
          && name.matches(".+-[0-9a-f]{64}")
          && !keep.contains(name)) {
        fs.deleteTree(dir);
      }
    }
  }

  private static List<Path> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
