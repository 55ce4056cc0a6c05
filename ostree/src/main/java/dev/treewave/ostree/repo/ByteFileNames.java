package dev.treewave.ostree.repo;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link FileNames} byte for byte, for a JVM whose {@code sun.jnu.encoding} is not UTF-8. The JDK's
 * only public byte-exact view of a path is its {@code file:} URI: {@link Path#toUri()} writes every
 * byte of the path percent-encoded, and {@link Path#of(URI)} builds a path from such bytes. Symlink
 * targets are not paths (a trailing slash, a doubled one and {@code ..} must stay as they are), so
 * those are read and written with readlink/symlink through {@link NativeFs}. Names in ASCII, which
 * every such encoding maps to themselves, take the JDK's direct route.
 */
final class ByteFileNames implements FileNames {
  private static final Path ROOT = Path.of("/");
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private final SymlinkTargets symlinks;

  ByteFileNames(Supplier<Optional<NativeFs>> nativeFs) {
    this.symlinks = new SymlinkTargets(nativeFs, this::bytes);
  }

  @Override
  public Optional<String> utf8FileName(Path path) {
    Path name = path.getFileName();
    String s = name.toString();
    return isAscii(s) ? Optional.of(s) : utf8(bytes(name));
  }

  @Override
  public Path resolve(Path dir, String name) {
    if (isAscii(name)) {
      return dir.resolve(name);
    }
    // "/name" from its bytes, then made relative: both operate on the path's bytes, not a string.
    return dir.resolve(ROOT.relativize(fromBytes(name.getBytes(StandardCharsets.UTF_8))));
  }

  @Override
  public byte[] bytes(Path path) {
    String s = path.toString();
    if (isAscii(s)) {
      return s.getBytes(StandardCharsets.US_ASCII);
    }
    boolean absolute = path.isAbsolute();
    // A relative path is placed under "/" (not the working directory, whose bytes the JDK keeps as
    // a string) and the "/" is dropped again.
    byte[] b = percentDecode((absolute ? path : ROOT.resolve(path)).toUri().getRawPath());
    int from = absolute ? 0 : 1;
    int to = b.length;
    // toUri appends a '/' to a directory; a path the JDK built never ends with one.
    if (to - from > 1 && b[to - 1] == '/') {
      to--;
    }
    return Arrays.copyOfRange(b, from, to);
  }

  @Override
  public String readSymbolicLink(Path link) throws IOException {
    return symlinks.read(link);
  }

  @Override
  public void createSymbolicLink(Path link, String target) throws IOException {
    symlinks.create(link, target);
  }

  /** An absolute path of exactly {@code /} followed by {@code name}'s bytes. */
  private static Path fromBytes(byte[] name) {
    StringBuilder uri = new StringBuilder(8 + name.length * 3).append("file:///");
    for (byte b : name) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
        uri.append((char) c);
      } else {
        uri.append('%').append((char) HEX[c >> 4]).append((char) HEX[c & 15]);
      }
    }
    return Path.of(URI.create(uri.toString()));
  }

  private static byte[] percentDecode(String raw) {
    byte[] out = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        out[n++] = (byte) Integer.parseInt(raw, i + 1, i + 3, 16);
        i += 2;
      } else {
        out[n++] = (byte) c;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static Optional<String> utf8(byte[] b) {
    return SymlinkTargets.utf8(b);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
