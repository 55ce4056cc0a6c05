package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * File names as libostree handles them: the bytes the kernel stores, committed as UTF-8. Java
 * converts between a {@link Path} and a string with {@code sun.jnu.encoding}, which comes from the
 * locale; without a UTF-8 locale (an embedding JVM, a systemd unit without {@code LANG}) a name
 * like {@code Főtanúsítvány.crt} reads as {@code F??tan...} and cannot be written at all. A {@code
 * Path} the JDK built itself (from a directory listing) still holds the exact bytes, so only the
 * conversions go through this port: the JDK's own when the encoding is UTF-8, byte-exact otherwise.
 */
public interface FileNames {

  /** Chosen once per JVM, from {@code sun.jnu.encoding}. */
  static FileNames system() {
    return ChosenFileNames.SYSTEM;
  }

  /** The last element of {@code path} decoded as UTF-8; empty when its bytes are not UTF-8. */
  Optional<String> utf8FileName(Path path);

  /** {@code dir/name}, with {@code name} (one element) written as its UTF-8 bytes. */
  Path resolve(Path dir, String name);

  /** The bytes the kernel receives for {@code path}, without a terminating NUL. */
  byte[] bytes(Path path);

  /** A symlink's target as UTF-8 (the JDK's decoding when the locale is UTF-8). */
  String readSymbolicLink(Path link) throws IOException;

  /** Creates {@code link} pointing at {@code target}, written as its UTF-8 bytes. */
  void createSymbolicLink(Path link, String target) throws IOException;

  /** Whether this JVM's file-name encoding is UTF-8, so that the JDK's conversions are exact. */
  static boolean jnuIsUtf8() {
    String jnu = System.getProperty("sun.jnu.encoding");
    try {
      return jnu != null && Charset.forName(jnu).equals(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      return false;
    }
  }
}

/** The JVM's choice, made on first use. */
final class ChosenFileNames {
  static final FileNames SYSTEM =
      FileNames.jnuIsUtf8()
          ? new JdkFileNames(NativeFs::system)
          : new ByteFileNames(NativeFs::system);

  private ChosenFileNames() {}
}
