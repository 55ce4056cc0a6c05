package dev.treewave.ostree.remote;

import java.nio.file.Path;
import java.util.List;

/**
 * The system-wide places trusted keys are looked up in when a remote names none of its own: GPG
 * keyrings in {@code gpgDir} ({@code /usr/share/ostree/trusted.gpg.d}), ed25519 {@code
 * trusted.ed25519(.d)} and {@code revoked.ed25519(.d)} in each of {@code ed25519Dirs}. Tests pass
 * their own directories.
 */
public record TrustRoots(Path gpgDir, List<Path> ed25519Dirs) {
  public static final TrustRoots SYSTEM =
      new TrustRoots(
          Path.of("/usr/share/ostree/trusted.gpg.d"),
          List.of(Path.of("/etc/ostree"), Path.of("/usr/share/ostree")));

  public TrustRoots {
    ed25519Dirs = List.copyOf(ed25519Dirs);
  }
}
