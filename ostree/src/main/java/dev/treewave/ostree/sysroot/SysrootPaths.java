package dev.treewave.ostree.sysroot;

import java.nio.file.Path;

/** Where things live under a sysroot (libostree's layout, see ostree-format.md section 7.1). */
public record SysrootPaths(Path root) {

  public Path repo() {
    return root.resolve("ostree/repo");
  }

  public Path lockFile() {
    return root.resolve("ostree/lock");
  }

  public Path stateroot(String osname) {
    return root.resolve("ostree/deploy").resolve(requireSafeName(osname, "stateroot"));
  }

  public Path deployDir(Deployment.Id id) {
    return stateroot(id.osname()).resolve("deploy").resolve(id.dirName());
  }

  public Path originFile(Deployment.Id id) {
    return stateroot(id.osname()).resolve("deploy").resolve(id.dirName() + ".origin");
  }

  public Path boot() {
    return root.resolve("boot");
  }

  public Path loaderLink() {
    return boot().resolve("loader");
  }

  public Path loaderDir(int bootversion) {
    return boot().resolve("loader." + bootversion);
  }

  public Path bootlinkLink(int bootversion) {
    return root.resolve("ostree/boot." + bootversion);
  }

  public Path bootlinkDir(int bootversion, int subbootversion) {
    return root.resolve("ostree/boot." + bootversion + "." + subbootversion);
  }

  /** {@code boot/ostree/OSNAME-BOOTCSUM}: kernels shared by deployments with equal bootcsum. */
  public Path kernelDir(String osname, String bootcsum) {
    return boot().resolve("ostree").resolve(osname + "-" + bootcsum);
  }

  public Path deploymentRefs() {
    return repo().resolve("refs/heads/ostree");
  }

  /** Rejects names that could escape the sysroot when used as a path component. */
  static String requireSafeName(String name, String what) {
    if (name == null
        || name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.contains("/")
        || name.contains("\0")) {
      throw new IllegalArgumentException("invalid " + what + " name: " + name);
    }
    return name;
  }
}
