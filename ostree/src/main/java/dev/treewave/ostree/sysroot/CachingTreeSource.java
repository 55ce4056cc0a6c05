package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Commit versions are looked up many times per write; they never change. */
final class CachingTreeSource implements TreeSource {
  private final TreeSource inner;
  private final Map<String, Optional<String>> versions = new HashMap<>();

  CachingTreeSource(TreeSource inner) {
    this.inner = inner;
  }

  @Override
  public String resolve(String refspec) throws IOException {
    return inner.resolve(refspec);
  }

  @Override
  public void checkout(String commit, Path destination) throws IOException {
    inner.checkout(commit, destination);
  }

  @Override
  public Optional<String> version(String commit) throws IOException {
    Optional<String> v = versions.get(commit);
    if (v == null) {
      v = inner.version(commit);
      versions.put(commit, v);
    }
    return v;
  }
}
