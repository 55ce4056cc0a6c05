package dev.treewave.testing.qemu;

import dev.treewave.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Debian 12 OS tree of {@code e2e-kind/vm/build-os.sh} (systemd, the cloud kernel, an initramfs
 * that runs the real {@code ostree-prepare-root}, a JRE), cached by the script's hash outside the
 * repository; built by the script the first time (needs root and a Debian mirror).
 *
 * @param tree the tree in OSTree layout, to commit as it is
 * @param kernelVersion its one kernel, under {@code usr/lib/modules}
 */
public record DebianTree(Path tree, String kernelVersion) {

  private static final Duration BUILD = Duration.ofMinutes(20);

  /** The cached tree; runs the script (which returns at once when the cache has it). */
  public static DebianTree cached() throws IOException {
    return build("build-os.sh");
  }

  /**
   * The same tree plus containerd, runc, the CNI plugins and the kubelet of the test
   * kube-apiserver's version ({@code e2e-kind/vm/build-kubelet-os.sh}, cached the same way): a VM
   * that is a real Node once a test overlays {@code /etc/kubernetes/kubelet.kubeconfig} and {@code
   * kubelet.env}.
   */
  public static DebianTree withKubelet() throws IOException {
    return build("build-kubelet-os.sh");
  }

  private static DebianTree build(String name) throws IOException {
    Path script = buildScript(name);
    long t0 = System.nanoTime();
    Processes.Result r =
        Processes.run(
            new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT),
            BUILD);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(name + " failed (" + r.exitCode() + ")");
    }
    Path tree = Path.of(r.stdout().strip());
    System.out.printf("[vm-os] OS tree ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    return new DebianTree(tree, Files.readString(tree.resolveSibling("kver")).strip());
  }

  public Path kernel() {
    return tree.resolve("usr/lib/modules/" + kernelVersion + "/vmlinuz");
  }

  /** How qemu runs it here ({@link QemuVm#accel}, probed with this kernel). */
  public QemuVm.Accel accel() {
    return QemuVm.accel(kernel());
  }

  /** The script, found from the module directory a test runs in (or the repository root). */
  private static Path buildScript(String name) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve("e2e-kind/vm/" + name);
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException(
        "e2e-kind/vm/" + name + " not found above the working directory");
  }
}
