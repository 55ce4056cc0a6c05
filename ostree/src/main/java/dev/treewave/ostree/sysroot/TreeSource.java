package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the sysroot needs from the system repository ({@code ostree/repo}): resolve a refspec, check
 * a commit out as a hardlink farm, read the commit's {@code version} metadata.
 */
public interface TreeSource {

  /** Resolves {@code REMOTE:REF}, {@code REF} or a full checksum to a commit checksum. */
  String resolve(String refspec) throws IOException;

  /**
   * Checks {@code commit} out into {@code destination} (which must not exist): files and symlinks
   * hardlinked to the repository's objects, directories with their recorded metadata.
   */
  void checkout(String commit, Path destination) throws IOException;

  /** The commit's {@code version} metadata string, if any. */
  Optional<String> version(String commit) throws IOException;
}
