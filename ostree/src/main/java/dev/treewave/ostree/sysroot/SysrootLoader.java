package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads a sysroot's deployments from its boot entries and bootlinks, as libostree does. */
final class SysrootLoader {

  private final SysrootPaths paths;
  private final BootedSource bootedSource;

  SysrootLoader(SysrootPaths paths, BootedSource bootedSource) {
    this.paths = paths;
    this.bootedSource = bootedSource;
  }

  SysrootState load() throws IOException {
    int bootversion = readBootversion();
    int subbootversion = readSubbootversion(bootversion);
    List<Entry> entries = new ArrayList<>();
    Path entriesDir = paths.loaderLink().resolve("entries");
    if (Files.isDirectory(entriesDir)) {
      try (Stream<Path> s = Files.list(entriesDir)) {
        for (Path p : s.sorted().toList()) {
          String name = p.getFileName().toString();
          if (name.startsWith("ostree-")
              && name.endsWith(".conf")
              && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            entries.add(
                new Entry(BootEntry.parse(Files.readString(p, StandardCharsets.UTF_8)), name));
          }
        }
      }
    }
    // Boot menu order: by "version" descending, as libostree sorts (strverscmp).
    entries.sort(
        Comparator.comparing(
                (Entry e) -> e.entry().get("version").orElse(""), SysrootLoader::strverscmp)
            .reversed());
    List<Deployment> deployments = new ArrayList<>();
    for (Entry e : entries) {
      deployments.add(fromEntry(e, bootversion));
    }
    Optional<Deployment.Id> booted = findBooted(deployments);
    Optional<Deployment> staged = Optional.empty();
    if (booted.isPresent()) {
      staged = loadStaged();
    }
    return new SysrootState(bootversion, subbootversion, deployments, staged, booted);
  }

  private record Entry(BootEntry entry, String fileName) {}

  int readBootversion() throws IOException {
    Path link = paths.loaderLink();
    if (!Files.isSymbolicLink(link)) {
      if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        throw new SysrootException("boot/loader is not a symlink in " + paths.root());
      }
      return 0;
    }
    String target = Files.readSymbolicLink(link).toString();
    return switch (target) {
      case "loader.0" -> 0;
      case "loader.1" -> 1;
      default -> throw new SysrootException("unexpected boot/loader target: " + target);
    };
  }

  int readSubbootversion(int bootversion) throws IOException {
    Path link = paths.bootlinkLink(bootversion);
    if (!Files.isSymbolicLink(link)) {
      return 0;
    }
    String target = Files.readSymbolicLink(link).toString();
    if (target.equals("boot." + bootversion + ".0")) {
      return 0;
    }
    if (target.equals("boot." + bootversion + ".1")) {
      return 1;
    }
    throw new SysrootException("unexpected ostree/boot." + bootversion + " target: " + target);
  }

  private Deployment fromEntry(Entry e, int bootversion) throws IOException {
    BootEntry.BootLink link =
        e.entry()
            .bootLink()
            .orElseThrow(
                () -> new SysrootException("no valid ostree= argument in " + e.fileName()));
    if (link.bootVersion() != bootversion) {
      throw new SysrootException(
          e.fileName() + " names boot." + link.bootVersion() + " but the loader is " + bootversion);
    }
    Path bootlink = paths.root().resolve(link.path().substring(1));
    if (!Files.isSymbolicLink(bootlink)) {
      throw new SysrootException("bootlink " + link.path() + " of " + e.fileName() + " is missing");
    }
    Path target = Files.readSymbolicLink(bootlink);
    Deployment.Id id =
        Deployment.parseDirName(link.osname(), target.getFileName().toString())
            .orElseThrow(
                () ->
                    new SysrootException("bootlink " + link.path() + " -> " + target + " is odd"));
    return new Deployment(
        id.osname(),
        id.csum(),
        id.deployserial(),
        link.bootcsum(),
        link.bootserial(),
        e.entry().options(),
        readOrigin(id),
        false);
  }

  Optional<Origin> readOrigin(Deployment.Id id) throws IOException {
    Path file = paths.originFile(id);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(Origin.parse(Files.readString(file, StandardCharsets.UTF_8)));
  }

  /**
   * The deployment we run from, if ostree booted us: the one whose directory is the running root
   * (same device and inode, which survives the bootlinks being rewritten after boot), else the one
   * named by {@code ostree=} on the kernel command line.
   */
  private Optional<Deployment.Id> findBooted(List<Deployment> deployments) throws IOException {
    if (!bootedSource.ostreeBooted()) {
      return Optional.empty();
    }
    Path root = bootedSource.bootedRoot();
    if (Files.isDirectory(root)) {
      Object rootKey = fileKey(root);
      for (Deployment d : deployments) {
        Path dir = paths.deployDir(d.id());
        if (Files.isDirectory(dir) && fileKey(dir).equals(rootKey)) {
          return Optional.of(d.id());
        }
      }
    }
    Optional<String> arg = KernelArgs.parse(bootedSource.cmdline().get()).value("ostree");
    if (arg.isEmpty() || !BootEntry.OSTREE_ARG.matcher(arg.get()).matches()) {
      return Optional.empty();
    }
    Path link = paths.root().resolve(arg.get().substring(1));
    if (!Files.exists(link)) {
      return Optional.empty();
    }
    Path real = link.toRealPath();
    String osname = real.getParent().getParent().getFileName().toString();
    return Deployment.parseDirName(osname, real.getFileName().toString());
  }

  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
  }

  private Optional<Deployment> loadStaged() throws IOException {
    Path file = bootedSource.stagedDeploymentFile();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    StagedDeploymentFile staged = StagedDeploymentFile.parse(Files.readAllBytes(file));
    StagedDeploymentFile.Ref target = staged.target();
    Deployment.Id id =
        Deployment.parseDirName(target.osname(), target.name())
            .orElseThrow(() -> new SysrootException("bad staged deployment name " + target.name()));
    return Optional.of(
        new Deployment(
            id.osname(),
            id.csum(),
            id.deployserial(),
            target.bootcsum(),
            0,
            KernelArgs.parse(String.join(" ", staged.kargs().orElse(List.of()))),
            readOrigin(id),
            true));
  }

  /** glibc's strverscmp, close enough for BLS versions: digit runs compare numerically. */
  static int strverscmp(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int c =
            na.length() != nb.length()
                ? Integer.compare(na.length(), nb.length())
                : na.compareTo(nb);
        if (c != 0) {
          return c;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
