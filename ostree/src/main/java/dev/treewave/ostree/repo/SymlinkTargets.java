package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Symlink targets byte for byte. A target is a string, not a path: libostree commits exactly what
 * readlink returns, so {@code lib/}, {@code a//b} and {@code ../x} hash as written. The JDK turns a
 * target into a {@link Path}, which folds a doubled slash and drops a trailing one, so reads and
 * writes go through readlink/symlink when {@link NativeFs} is there, and through the JDK only when
 * it provably keeps the target as it is.
 */
final class SymlinkTargets {
  private final Supplier<Optional<NativeFs>> nativeFs;
  private final Function<Path, byte[]> jdkBytes;

  /**
   * @param jdkBytes the bytes the kernel holds for a path the JDK built (the file-name encoding)
   */
  SymlinkTargets(Supplier<Optional<NativeFs>> nativeFs, Function<Path, byte[]> jdkBytes) {
    this.nativeFs = nativeFs;
    this.jdkBytes = jdkBytes;
  }

  String read(Path link) throws IOException {
    Optional<NativeFs> fs = nativeFs.get();
    if (fs.isPresent()) {
      byte[] raw = fs.get().readSymbolicLink(link);
      return utf8(raw)
          .orElseThrow(
              () ->
                  new OstreeException(
                      "Invalid UTF-8 in symlink target "
                          + new String(raw, StandardCharsets.UTF_8)
                          + " of "
                          + link));
    }
    Path target = Files.readSymbolicLink(link);
    // A symlink's size is its target's length: equal, so the JDK dropped no slash.
    long size =
        Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
    byte[] bytes = jdkBytes.apply(target);
    if (size != bytes.length) {
      throw unavailable(link, "a target with a doubled or trailing slash");
    }
    return utf8(bytes).orElseThrow(() -> unavailable(link, "a target that is not UTF-8 here"));
  }

  /**
   * The JDK writes the target when it provably keeps it byte for byte (the same symlink call), so a
   * checkout of ordinary symlinks does not load the native calls (about 0.1 s of CPU) for them.
   */
  void create(Path link, String target) throws IOException {
    byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
    Path path = jdkPath(target);
    if (path != null && java.util.Arrays.equals(jdkBytes.apply(path), bytes)) {
      Files.createSymbolicLink(link, path);
      return;
    }
    Optional<NativeFs> fs = nativeFs.get();
    if (fs.isEmpty()) {
      throw unavailable(link, "the target " + target);
    }
    fs.get().createSymbolicLink(link, bytes);
  }

  /** {@code target} as a JDK path that prints as exactly it, or null (doubled slash, NUL, ...). */
  private static Path jdkPath(String target) {
    try {
      Path path = Path.of(target);
      return path.toString().equals(target) ? path : null;
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  private static OstreeException unavailable(Path link, String what) {
    return new OstreeException(
        "Symlink "
            + link
            + ": "
            + what
            + " needs native readlink/symlink, which are unavailable: "
            + NativeFs.unavailableReason());
  }

  static Optional<String> utf8(byte[] b) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(b))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
