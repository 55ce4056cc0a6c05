package dev.treewave.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.opentest4j.TestAbortedException;

/**
 * Finds an external program that a test needs (the real {@code ostree} CLI, {@code gpg}, …).
 *
 * <p>A missing tool fails the test with a message that says how to install it: tests are never
 * skipped silently. Only when the build explicitly opts out ({@code
 * -Dtreewave.allowMissingTools=true}) does a missing tool abort (skip) the test instead.
 */
public final class RequiredTool {

  public static final String ALLOW_MISSING_PROPERTY = "treewave.allowMissingTools";

  private RequiredTool() {}

  /**
   * Returns the absolute path of {@code name} on the PATH.
   *
   * @param name the executable's name, e.g. {@code ostree}
   * @param installHint how to get it, e.g. {@code apt-get install ostree}
   */
  public static Path require(String name, String installHint) {
    return find(name, System.getenv("PATH"))
        .orElseThrow(() -> missing(name + " is not on the PATH; install it with: " + installHint));
  }

  /** Looks {@code name} up in a PATH-style list of folders. */
  static Optional<Path> find(String name, String pathVariable) {
    if (pathVariable == null || pathVariable.isEmpty()) {
      return Optional.empty();
    }
    for (String folder : pathVariable.split(File.pathSeparator)) {
      if (folder.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(folder, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /**
   * The exception to throw when something a test needs is absent: an {@link AssertionError} (the
   * test fails) unless the build opted out, then a {@link TestAbortedException} (the test is
   * reported as skipped, visibly).
   */
  public static RuntimeException missing(String message) {
    if (Boolean.getBoolean(ALLOW_MISSING_PROPERTY)) {
      return new TestAbortedException(message + " (skipped: " + ALLOW_MISSING_PROPERTY + "=true)");
    }
    return new MissingToolError(message + " (or run with -D" + ALLOW_MISSING_PROPERTY + "=true)");
  }

  /** Thrown when a tool is missing and the build did not opt out. */
  public static final class MissingToolError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingToolError(String message) {
      super(message);
    }
  }
}
