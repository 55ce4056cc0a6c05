package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link FileNames} through the JDK's own conversions, exact when {@code sun.jnu.encoding} is
 * UTF-8: a name is UTF-8 when its string comes back to the same path (the JDK replaces bytes it
 * cannot decode).
 */
final class JdkFileNames implements FileNames {
  private static final Charset JNU = jnuCharset();

  private final SymlinkTargets symlinks;

  JdkFileNames(Supplier<Optional<NativeFs>> nativeFs) {
    this.symlinks = new SymlinkTargets(nativeFs, this::bytes);
  }

  @Override
  public Optional<String> utf8FileName(Path path) {
    Path raw = path.getFileName();
    String name = raw.toString();
    try {
      return raw.equals(raw.getFileSystem().getPath(name)) ? Optional.of(name) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  @Override
  public Path resolve(Path dir, String name) {
    return dir.resolve(name);
  }

  @Override
  public byte[] bytes(Path path) {
    return path.toString().getBytes(JNU);
  }

  @Override
  public String readSymbolicLink(Path link) throws IOException {
    return symlinks.read(link);
  }

  @Override
  public void createSymbolicLink(Path link, String target) throws IOException {
    symlinks.create(link, target);
  }

  private static Charset jnuCharset() {
    String jnu = System.getProperty("sun.jnu.encoding");
    try {
      return jnu == null ? Charset.defaultCharset() : Charset.forName(jnu);
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }
}
