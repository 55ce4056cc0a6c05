package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builds small bootable-looking OS trees and commits them with the real ostree. */
final class FakeOs {

  static final String OS = "testos";
  static final String KVER = "6.1.0-test";

  private FakeOs() {}

  /**
   * A tree with a kernel and initramfs in {@code usr/lib/modules/KVER}, an os-release and the given
   * {@code /etc} defaults in {@code usr/etc}. {@code kernelTag} changes the kernel bytes (and so
   * the bootcsum).
   */
  static Path tree(Path dir, String kernelTag, Map<String, String> etc) throws IOException {
    Path mod = dir.resolve("usr/lib/modules/" + KVER);
    Files.createDirectories(mod);
    Files.writeString(mod.resolve("vmlinuz"), "kernel " + kernelTag + "\n");
    Files.writeString(mod.resolve("initramfs.img"), "initramfs " + kernelTag + "\n");
    Files.createDirectories(dir.resolve("usr/bin"));
    Files.writeString(dir.resolve("usr/bin/hello"), "#!/bin/sh\necho hello\n");
    Files.writeString(
        dir.resolve("usr/lib/os-release"), "ID=testos\nPRETTY_NAME=\"Test OS\"\nVERSION_ID=1\n");
    Path usrEtc = dir.resolve("usr/etc");
    Files.createDirectories(usrEtc);
    for (var e : etc.entrySet()) {
      Path f = usrEtc.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
    }
    return dir;
  }

  /** Commits {@code tree} to {@code repo} on {@code branch} with metadata version. */
  static String commit(Path repo, Path tree, String branch, String version) {
    return OstreeCli.ostree(
            "--repo=" + repo,
            "commit",
            "-b",
            branch,
            "--owner-uid=0",
            "--owner-gid=0",
            "--add-metadata-string=version=" + version,
            "--timestamp=2026-01-01T00:00:00Z",
            "-s",
            "v" + version,
            tree.toString())
        .ok()
        .out()
        .strip();
  }

  static final Map<String, String> ETC_V1 =
      Map.of(
          "hostname", "default-host\n",
          "passwd", "root:x:0:0::/root:/bin/sh\n",
          "app.conf", "level=1\n",
          "sub/nested.conf", "a=1\n");

  static final Map<String, String> ETC_V2 =
      Map.of(
          "hostname", "default-host\n",
          "passwd", "root:x:0:0::/root:/bin/sh\n",
          "app.conf", "level=2\n",
          "sub/nested.conf", "a=2\n",
          "new.conf", "fresh=1\n");
}
