package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@link TreeSource} backed by the real {@code ostree} CLI on the sysroot's repo: lets the
 * sysroot tests run against trees and checkouts that are libostree's own.
 */
final class OstreeCliTreeSource implements TreeSource {

  private final Path repo;

  OstreeCliTreeSource(Path repo) {
    this.repo = repo;
  }

  @Override
  public String resolve(String refspec) throws IOException {
    OstreeCli.Result r = OstreeCli.ostree("--repo=" + repo, "rev-parse", refspec);
    if (r.exit() != 0) {
      throw new IOException("cannot resolve " + refspec + ": " + r.err());
    }
    return r.out().strip();
  }

  @Override
  public void checkout(String commit, Path destination) throws IOException {
    OstreeCli.Result r =
        OstreeCli.ostree(
            "--repo=" + repo, "checkout", "--require-hardlinks", commit, destination.toString());
    if (r.exit() != 0) {
      throw new IOException("checkout of " + commit + " failed: " + r.err());
    }
  }

  @Override
  public Optional<String> version(String commit) throws IOException {
    OstreeCli.Result r =
        OstreeCli.ostree("--repo=" + repo, "show", "--print-metadata-key=version", commit);
    if (r.exit() != 0) {
      return Optional.empty();
    }
    String v = r.out().strip();
    if (v.startsWith("'") && v.endsWith("'") && v.length() >= 2) {
      v = v.substring(1, v.length() - 1);
    }
    return Optional.of(v);
  }
}
