package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a new deployment list to the boot configuration (ostree-format.md section 7.5). The only
 * step that changes what boots is one {@code rename(2)}: of {@code boot/loader.tmp} over {@code
 * boot/loader} (full swap) or of {@code ostree/boot.B.tmp} over {@code ostree/boot.B}
 * (bootlink-only swap). Everything before it writes only into inactive directories, so a crash at
 * any step leaves the old or the new list bootable, never a mix.
 */
final class BootWriter {

  /** Where the boot configuration points after a write. */
  record Written(int bootversion, int subbootversion, boolean fullSwap) {}

  private final SysrootPaths paths;
  private final SysrootFs fs;
  private final TreeSource tree;
  private final GrubBackend grub;

  BootWriter(SysrootPaths paths, SysrootFs fs, TreeSource tree) {
    this.paths = paths;
    this.fs = fs;
    this.tree = tree;
    this.grub = new GrubBackend(paths, fs);
  }

  /** Gives each deployment its bootserial: a counter per (stateroot, bootcsum) in list order. */
  static List<Deployment> assignBootserials(List<Deployment> list) {
    Map<String, Integer> next = new HashMap<>();
    List<Deployment> out = new ArrayList<>();
    for (Deployment d : list) {
      String key = d.osname() + "/" + d.bootcsum();
      int serial = next.merge(key, 1, Integer::sum) - 1;
      out.add(d.withBootserial(serial));
    }
    return out;
  }

  Written write(SysrootState current, List<Deployment> requested) throws IOException {
    List<Deployment> list = assignBootserials(requested);
    boolean grubActive = grub.active();
    // With GRUB, a new default re-arms the boot counter in a new loader.N: a full swap.
    boolean fullSwap =
        needsFullSwap(current.deployments(), list)
            || grubActive && !current.deployments().get(0).id().equals(list.get(0).id());
    int bootversion = fullSwap ? 1 - current.bootversion() : current.bootversion();
    int subbootversion =
        fullSwap
            ? 1
                - new SysrootLoader(paths, BootedSource.notBooted(paths.root()))
                    .readSubbootversion(bootversion)
            : 1 - current.subbootversion();
    if (fullSwap) {
      List<BootEntry> entries = writeLoaderDir(bootversion, list);
      if (grubActive) {
        grub.writeLoaderFiles(bootversion, entries, grub.nextEnv(current, list));
      }
    }
    writeBootlinkDir(bootversion, subbootversion, list);
    // New deployment refs before the switch: every commit either list boots stays referenced.
    writeRefs(bootversion, subbootversion, list);
    fs.sync(paths.root());
    fs.sync(paths.boot());
    swapBootlinks(bootversion, subbootversion);
    if (fullSwap) {
      ensureBootBootLink();
      Path tmp = paths.boot().resolve("loader.tmp");
      fs.deleteTree(tmp);
      fs.symlink(tmp, "loader." + bootversion);
      fs.sync(paths.boot());
      fs.rename(tmp, paths.loaderLink()); // the commit point
      fs.sync(paths.boot());
    }
    return new Written(bootversion, subbootversion, fullSwap);
  }

  /**
   * Only a different number of deployments, or a different kernel, kernel arguments or version at
   * some position needs new BLS entries; otherwise re-pointing the bootlinks is enough.
   */
  private boolean needsFullSwap(List<Deployment> old, List<Deployment> next) throws IOException {
    if (old.size() != next.size()) {
      return true;
    }
    for (int i = 0; i < old.size(); i++) {
      Deployment a = old.get(i);
      Deployment b = next.get(i);
      if (!a.osname().equals(b.osname())
          || !a.bootcsum().equals(b.bootcsum())
          || !a.kargs().withoutOstree().equals(b.kargs().withoutOstree())
          || !Objects.equals(tree.version(a.csum()), tree.version(b.csum()))) {
        return true;
      }
    }
    return false;
  }

  /** Writes the BLS entries of {@code loader.N}; returns them in boot order. */
  private List<BootEntry> writeLoaderDir(int bootversion, List<Deployment> list)
      throws IOException {
    Path loader = paths.loaderDir(bootversion);
    fs.deleteTree(loader);
    fs.createDirectory(loader, 0755);
    Path entries = loader.resolve("entries");
    fs.createDirectory(entries, 0755);
    boolean multipleStateroots = list.stream().map(Deployment::osname).distinct().count() > 1;
    int n = list.size();
    List<BootEntry> written = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Deployment d = list.get(i);
      KernelLayout kernel = KernelLayout.find(paths.deployDir(d.id()));
      if (!kernel.bootcsum().equals(d.bootcsum())) {
        throw new SysrootException(
            "deployment "
                + d.id()
                + " has bootcsum "
                + kernel.bootcsum()
                + ", expected "
                + d.bootcsum());
      }
      installKernel(d, kernel);
      BootEntry entry = entryFor(d, kernel, bootversion, i, n, multipleStateroots);
      fs.writeAtomically(
          entries.resolve("ostree-" + (n - i) + "-" + d.osname() + ".conf"),
          entry.serialize().getBytes(StandardCharsets.UTF_8));
      written.add(entry);
    }
    return written;
  }

  private BootEntry entryFor(
      Deployment d, KernelLayout kernel, int bootversion, int index, int n, boolean multiOs)
      throws IOException {
    String bootlink =
        "/ostree/boot."
            + bootversion
            + "/"
            + d.osname()
            + "/"
            + d.bootcsum()
            + "/"
            + d.bootserial();
    KernelArgs kargs = d.kargs().replace("ostree=" + bootlink);
    if (kernel.initramfs().isEmpty()) {
      kargs = kargs.replace("init=" + bootlink + "/usr/lib/ostree/ostree-prepare-root");
    }
    String title = osReleaseName(paths.deployDir(d.id()));
    Optional<String> version = tree.version(d.csum());
    if (version.isPresent() && !title.contains(version.get())) {
      title = title + " " + version.get();
    }
    title = title + " (ostree" + (multiOs ? ":" + d.osname() : "") + ":" + index + ")";
    String kdir = "/ostree/" + d.osname() + "-" + d.bootcsum() + "/";
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put("title", List.of(title));
    keys.put("version", List.of(Integer.toString(n - index)));
    keys.put("options", List.of(kargs.toString()));
    kernel.devicetreeName().ifPresent(name -> keys.put("devicetree", List.of(kdir + name)));
    keys.put("linux", List.of(kdir + kernel.kernelName()));
    kernel.initramfsName().ifPresent(name -> keys.put("initrd", List.of(kdir + name)));
    return new BootEntry(keys);
  }

  /** {@code PRETTY_NAME} (else {@code ID}) of the deployment's os-release, shell-unquoted. */
  static String osReleaseName(Path deployRoot) throws IOException {
    Path file = deployRoot.resolve("usr/lib/os-release");
    if (!Files.isRegularFile(file)) {
      file = deployRoot.resolve("etc/os-release");
    }
    if (!Files.isRegularFile(file)) {
      throw new SysrootException("no usr/lib/os-release or etc/os-release in " + deployRoot);
    }
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        values.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
      }
    }
    String name = values.getOrDefault("PRETTY_NAME", values.get("ID"));
    if (name == null) {
      throw new SysrootException("No PRETTY_NAME or ID in " + file);
    }
    return name;
  }

  private static String unquote(String v) {
    if (v.length() >= 2
        && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
      String inner = v.substring(1, v.length() - 1);
      return v.startsWith("\"") ? inner.replaceAll("\\\\(.)", "$1") : inner;
    }
    return v;
  }

  /** Kernel files go in once per bootcsum; each file appears atomically (temp + rename). */
  private void installKernel(Deployment d, KernelLayout kernel) throws IOException {
    Path bootOstree = paths.boot().resolve("ostree");
    if (!Files.isDirectory(bootOstree)) {
      fs.createDirectory(bootOstree, 0755);
    }
    Path dir = paths.kernelDir(d.osname(), d.bootcsum());
    if (!Files.isDirectory(dir)) {
      fs.createDirectory(dir, 0755);
    }
    install(kernel.kernel(), dir.resolve(kernel.kernelName()));
    if (kernel.initramfs().isPresent()) {
      install(kernel.initramfs().get(), dir.resolve(kernel.initramfsName().orElseThrow()));
    }
    if (kernel.devicetree().isPresent()) {
      install(kernel.devicetree().get(), dir.resolve(kernel.devicetreeName().orElseThrow()));
    }
    if (kernel.hmac().isPresent()) {
      install(kernel.hmac().get(), dir.resolve(kernel.hmacName().orElseThrow()));
    }
  }

  private void install(Path source, Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      fs.linkOrCopy(source, target);
    }
  }

  private void writeBootlinkDir(int bootversion, int subbootversion, List<Deployment> list)
      throws IOException {
    Path dir = paths.bootlinkDir(bootversion, subbootversion);
    fs.deleteTree(dir);
    fs.createDirectory(dir, 0755);
    for (Deployment d : list) {
      Path osDir = dir.resolve(d.osname());
      if (!Files.isDirectory(osDir)) {
        fs.createDirectory(osDir, 0755);
      }
      Path csumDir = osDir.resolve(d.bootcsum());
      if (!Files.isDirectory(csumDir)) {
        fs.createDirectory(csumDir, 0755);
      }
      fs.symlink(
          csumDir.resolve(Integer.toString(d.bootserial())),
          "../../../deploy/" + d.osname() + "/deploy/" + d.dirName());
    }
  }

  private void swapBootlinks(int bootversion, int subbootversion) throws IOException {
    Path tmp = paths.root().resolve("ostree/boot." + bootversion + ".tmp");
    fs.deleteTree(tmp);
    fs.symlink(tmp, "boot." + bootversion + "." + subbootversion);
    fs.rename(tmp, paths.bootlinkLink(bootversion));
  }

  private void ensureBootBootLink() throws IOException {
    Path link = paths.boot().resolve("boot");
    if (!Files.isSymbolicLink(link)) {
      fs.deleteTree(link);
      fs.symlink(link, ".");
    }
  }

  /** {@code refs/heads/ostree/B/S/INDEX} → commit, so pruning never drops a deployed commit. */
  void writeRefs(int bootversion, int subbootversion, List<Deployment> list) throws IOException {
    Path base = paths.deploymentRefs();
    ensureDir(paths.repo().resolve("refs/heads"));
    ensureDir(base);
    ensureDir(base.resolve(Integer.toString(bootversion)));
    Path dir = base.resolve(bootversion + "/" + subbootversion);
    fs.deleteTree(dir);
    fs.createDirectory(dir, 0755);
    for (int i = 0; i < list.size(); i++) {
      fs.writeAtomically(
          dir.resolve(Integer.toString(i)),
          (list.get(i).csum() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  private void ensureDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      fs.createDirectory(dir, 0755);
    }
  }
}
