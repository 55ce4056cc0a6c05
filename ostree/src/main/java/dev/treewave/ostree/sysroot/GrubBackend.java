package dev.treewave.ostree.sysroot;

import dev.treewave.ostree.repo.KeyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The GRUB 2 (BIOS) backend: active when {@code boot/grub/grub.cfg} is libostree's symlink to
 * {@code ../loader/grub.cfg}, so GRUB reads whatever {@code loader.N} the atomic {@code
 * boot/loader} swap made current. Each {@code loader.N} then gets a {@code grub.cfg} ({@link
 * GrubConfig}) and its own {@code grubenv} ({@link GrubEnv}) written before the swap, so arming the
 * boot counter is part of the same commit point as the new entries: the counter is armed exactly
 * when GRUB sees the new default, and a crash before the swap leaves the old config with its old
 * counter.
 *
 * <p>The number of tries comes from the system repository's config, {@code [sysroot]
 * treewave-boot-tries} ({@value GrubConfig#DEFAULT_TRIES} if absent, 0 turns counting off).
 */
final class GrubBackend {

  static final String COUNTER = "boot_counter";
  static final String SUCCESS = "boot_success";

  private final SysrootPaths paths;
  private final SysrootFs fs;

  GrubBackend(SysrootPaths paths, SysrootFs fs) {
    this.paths = paths;
    this.fs = fs;
  }

  /** Whether GRUB reads this sysroot's loader directory (the symlink libostree also uses). */
  boolean active() {
    Path link = paths.boot().resolve("grub/grub.cfg");
    try {
      return Files.isSymbolicLink(link)
          && Files.readSymbolicLink(link).toString().equals("../loader/grub.cfg");
    } catch (IOException e) {
      return false;
    }
  }

  int tries() throws IOException {
    Path config = paths.repo().resolve("config");
    Optional<String> v =
        KeyFile.parse(Files.readString(config, StandardCharsets.UTF_8))
            .get("sysroot", "treewave-boot-tries");
    if (v.isEmpty()) {
      return GrubConfig.DEFAULT_TRIES;
    }
    try {
      int n = Integer.parseInt(v.get().strip());
      if (n < 0 || n > GrubConfig.MAX_TRIES) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new SysrootException(
          config
              + ": [sysroot] treewave-boot-tries must be 0.."
              + GrubConfig.MAX_TRIES
              + ", got "
              + v.get());
    }
  }

  /**
   * The environment block a new {@code loader.N} starts with. A new default that is not the booted
   * deployment is armed; a list whose default is the booted deployment counts as a good boot; a
   * list with the same default as before keeps the current block (a pending try stays pending).
   */
  GrubEnv nextEnv(SysrootState current, List<Deployment> next) throws IOException {
    Deployment.Id newTop = next.get(0).id();
    boolean isBooted = current.booted().filter(newTop::equals).isPresent();
    boolean sameTop =
        !current.deployments().isEmpty() && current.deployments().get(0).id().equals(newTop);
    int tries = tries();
    if (isBooted || next.size() < 2 || tries == 0) {
      return success(readEnv(current.bootversion()));
    }
    if (!sameTop) {
      return readEnv(current.bootversion())
          .with(COUNTER, Integer.toString(tries))
          .with(SUCCESS, "0");
    }
    return readEnv(current.bootversion());
  }

  /** Writes {@code grub.cfg} and {@code grubenv} into the inactive {@code loader.N}. */
  void writeLoaderFiles(int bootversion, List<BootEntry> entries, GrubEnv env) throws IOException {
    Path loader = paths.loaderDir(bootversion);
    fs.writeAtomically(loader.resolve("grubenv"), env.serialize());
    fs.writeAtomically(
        loader.resolve("grub.cfg"),
        GrubConfig.render(bootversion, entries).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Marks the current boot good: the active block loses its counter and gets {@code
   * boot_success=1}. Only when the booted deployment is the default (after a fallback the agent
   * first makes the booted one the default, which writes a good block anyway).
   */
  boolean markBootSuccessful(SysrootState current) throws IOException {
    if (current.deployments().isEmpty()
        || current.booted().filter(current.deployments().get(0).id()::equals).isEmpty()) {
      return false;
    }
    GrubEnv env = readEnv(current.bootversion());
    GrubEnv good = success(env);
    if (good.equals(env)) {
      return false;
    }
    fs.writeAtomically(paths.loaderDir(current.bootversion()).resolve("grubenv"), good.serialize());
    return true;
  }

  /** The block of {@code loader.N}, empty when there is none yet. */
  GrubEnv readEnv(int bootversion) throws IOException {
    Path file = paths.loaderDir(bootversion).resolve("grubenv");
    if (!Files.isRegularFile(file)) {
      return GrubEnv.empty();
    }
    try {
      return GrubEnv.parse(Files.readAllBytes(file));
    } catch (SysrootException e) {
      // A damaged block must not stop a deployment: the next one is written whole.
      return GrubEnv.empty();
    }
  }

  private static GrubEnv success(GrubEnv env) {
    return env.without(COUNTER).with(SUCCESS, "1");
  }
}
