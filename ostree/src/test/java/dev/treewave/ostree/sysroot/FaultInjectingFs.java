package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Simulates a crash at filesystem step {@code failAt}: that step and every later one fail (the
 * process is gone), earlier ones really happen. Counts checkouts as steps too. {@code failAt = 0}
 * never fails and just records the steps.
 */
final class FaultInjectingFs implements SysrootFs {

  static final class InjectedCrash extends IOException {
    private static final long serialVersionUID = 1L;

    InjectedCrash(String message) {
      super(message);
    }
  }

  private final SysrootFs real;
  private final int failAt;
  private int steps;
  private boolean crashed;
  final List<String> log = new ArrayList<>();

  FaultInjectingFs(SysrootFs real, int failAt) {
    this.real = real;
    this.failAt = failAt;
  }

  int steps() {
    return steps;
  }

  boolean crashed() {
    return crashed;
  }

  private void step(String what) throws InjectedCrash {
    if (crashed) {
      throw new InjectedCrash("already crashed; not doing " + what);
    }
    steps++;
    log.add(what);
    if (steps == failAt) {
      crashed = true;
      throw new InjectedCrash("injected crash at step " + steps + ": " + what);
    }
  }

  TreeSource wrap(TreeSource tree) {
    return new TreeSource() {
      @Override
      public String resolve(String refspec) throws IOException {
        return tree.resolve(refspec);
      }

      @Override
      public void checkout(String commit, Path destination) throws IOException {
        step("checkout " + destination.getFileName());
        tree.checkout(commit, destination);
      }

      @Override
      public Optional<String> version(String commit) throws IOException {
        return tree.version(commit);
      }
    };
  }

  @Override
  public void createDirectory(Path dir, int mode) throws IOException {
    step("mkdir " + dir);
    real.createDirectory(dir, mode);
  }

  @Override
  public void createDirectoryLike(Path dir, Path like) throws IOException {
    step("mkdir-like " + dir);
    real.createDirectoryLike(dir, like);
  }

  @Override
  public void writeAtomically(Path file, byte[] content) throws IOException {
    step("write " + file);
    real.writeAtomically(file, content);
  }

  @Override
  public void copyWithMetadata(Path source, Path target) throws IOException {
    step("copy " + target);
    real.copyWithMetadata(source, target);
  }

  @Override
  public void linkOrCopy(Path source, Path target) throws IOException {
    step("link " + target);
    real.linkOrCopy(source, target);
  }

  @Override
  public void symlink(Path link, String target) throws IOException {
    step("symlink " + link);
    real.symlink(link, target);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    step("rename " + from + " -> " + to);
    real.rename(from, to);
  }

  @Override
  public void deleteTree(Path path) throws IOException {
    if (!java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return; // a no-op is not a step: crashing before or after it is the same state
    }
    step("delete " + path);
    real.deleteTree(path);
  }

  @Override
  public boolean setImmutable(Path dir, boolean immutable) throws IOException {
    step("chattr " + (immutable ? "+i " : "-i ") + dir);
    return real.setImmutable(dir, immutable);
  }

  @Override
  public void sync(Path path) throws IOException {
    step("sync " + path);
    real.sync(path);
  }
}
