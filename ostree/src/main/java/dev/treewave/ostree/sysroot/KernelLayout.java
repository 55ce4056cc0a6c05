package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The kernel, initramfs and devicetree found in a deployment, with the names they get under {@code
 * /boot/ostree/OSNAME-BOOTCSUM/} and the boot checksum (ostree-format.md section 7.3).
 */
public record KernelLayout(
    String bootcsum,
    Path kernel,
    String kernelName,
    Optional<Path> initramfs,
    Optional<String> initramfsName,
    Optional<Path> devicetree,
    Optional<String> devicetreeName,
    Optional<Path> hmac,
    Optional<String> hmacName) {

  /**
   * Finds the kernel in {@code usr/lib/modules/KVER/}, else the legacy {@code ostree-boot} dirs.
   */
  public static KernelLayout find(Path deployRoot) throws IOException {
    Optional<KernelLayout> modules = findInModules(deployRoot.resolve("usr/lib/modules"));
    Optional<KernelLayout> legacy = findLegacy(deployRoot.resolve("usr/lib/ostree-boot"));
    if (legacy.isEmpty()) {
      legacy = findLegacy(deployRoot.resolve("boot"));
    }
    if (modules.isPresent()) {
      // The modules layout wins unless it lacks an initramfs that the legacy layout has.
      if (modules.get().initramfs().isEmpty()
          && legacy.isPresent()
          && legacy.get().initramfs().isPresent()) {
        return legacy.get();
      }
      return modules.get();
    }
    return legacy.orElseThrow(
        () ->
            new SysrootException(
                "Failed to find kernel in /usr/lib/modules, /usr/lib/ostree-boot or /boot of "
                    + deployRoot));
  }

  private static Optional<KernelLayout> findInModules(Path modules) throws IOException {
    if (!Files.isDirectory(modules, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    List<Path> versions;
    try (Stream<Path> s = Files.list(modules)) {
      versions = s.toList();
    }
    for (Path dir : versions) {
      Path vmlinuz = dir.resolve("vmlinuz");
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
          || !Files.isRegularFile(vmlinuz, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      String kver = dir.getFileName().toString();
      Optional<Path> initramfs = regular(dir.resolve("initramfs.img"));
      if (initramfs.isEmpty()) {
        initramfs = regular(dir.resolve("initramfs"));
      }
      Optional<Path> devicetree = regular(dir.resolve("devicetree"));
      Optional<Path> hmac = regular(dir.resolve(".vmlinuz.hmac"));
      List<Path> hashed = new ArrayList<>();
      hashed.add(vmlinuz);
      initramfs.ifPresent(hashed::add);
      devicetree.ifPresent(hashed::add);
      return Optional.of(
          new KernelLayout(
              sha256(hashed),
              vmlinuz,
              "vmlinuz-" + kver,
              initramfs,
              initramfs.map(p -> "initramfs-" + kver + ".img"),
              devicetree,
              devicetree.map(p -> "devicetree-" + kver),
              hmac,
              hmac.map(p -> ".vmlinuz-" + kver + ".hmac")));
    }
    return Optional.empty();
  }

  /** Legacy: {@code vmlinuz-NAME-SHA256} whose trailing checksum is the bootcsum. */
  private static Optional<KernelLayout> findLegacy(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }
    Path kernel = null;
    String csum = null;
    for (Path p : entries) {
      String name = p.getFileName().toString();
      if (name.startsWith("vmlinuz-") && trailingChecksum(name).isPresent()) {
        kernel = p;
        csum = trailingChecksum(name).get();
        break;
      }
    }
    if (kernel == null) {
      return Optional.empty();
    }
    Optional<Path> initramfs = withPrefixAndSum(entries, "initramfs-", csum);
    Optional<Path> devicetree = withPrefixAndSum(entries, "devicetree-", csum);
    return Optional.of(
        new KernelLayout(
            csum,
            kernel,
            dropChecksum(kernel),
            initramfs,
            initramfs.map(KernelLayout::dropChecksum),
            devicetree,
            devicetree.map(KernelLayout::dropChecksum),
            Optional.empty(),
            Optional.empty()));
  }

  private static Optional<Path> withPrefixAndSum(List<Path> entries, String prefix, String csum) {
    return entries.stream()
        .filter(p -> p.getFileName().toString().startsWith(prefix))
        .filter(p -> p.getFileName().toString().endsWith("-" + csum))
        .findFirst();
  }

  private static Optional<String> trailingChecksum(String name) {
    int dash = name.lastIndexOf('-');
    String tail = dash < 0 ? "" : name.substring(dash + 1);
    return tail.matches("[0-9a-f]{64}") ? Optional.of(tail) : Optional.empty();
  }

  private static String dropChecksum(Path p) {
    String name = p.getFileName().toString();
    return name.substring(0, name.lastIndexOf('-'));
  }

  private static Optional<Path> regular(Path p) {
    return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Optional.of(p) : Optional.empty();
  }

  static String sha256(List<Path> files) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          digest.update(buf, 0, n);
        }
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
