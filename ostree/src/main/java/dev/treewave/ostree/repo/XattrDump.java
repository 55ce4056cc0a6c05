package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.Xattr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Every extended attribute of a directory tree, in every namespace ({@code security.capability},
 * {@code security.selinux}, {@code trusted.*}, ACLs), not just {@code user.*}.
 *
 * <p>The JDK can only reach the {@code user.} namespace, but libostree commits whatever {@code
 * llistxattr} returns, so a tree with a file capability (ping's {@code cap_net_raw}) committed
 * through the JDK alone silently loses it and gets a different checksum. One run of {@code
 * getfattr} (package {@code attr}) over the whole tree reads them all, natively and in a separate
 * process: about 0.1 s for a Debian minbase tree, less CPU than asking the JDK file by file.
 */
public final class XattrDump {
  private static final String FILE_LINE = "# file: ";
  private final Map<String, List<Xattr>> byPath;

  private XattrDump(Map<String, List<Xattr>> byPath) {
    this.byPath = byPath;
  }

  /**
   * The xattrs of {@code relative} ("" for the root, else "/a/b" as in a commit's paths), sorted
   * later by the header; empty when it has none.
   */
  public List<Xattr> of(String relative) {
    return byPath.getOrDefault(relative, List.of());
  }

  /** How many entries of the tree carry at least one xattr. */
  public int entriesWithXattrs() {
    return byPath.size();
  }

  /**
   * Starts {@code getfattr} (or the program named by the system property {@code treewave.getfattr})
   * over {@code root} in the background. Completes with empty when {@code getfattr} is not
   * installed (the caller falls back to {@code user.*} through the JDK), and exceptionally, with
   * getfattr's own first error line, when it cannot read part of the tree.
   */
  public static CompletableFuture<Optional<XattrDump>> start(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    Process p;
    try {
      p =
          new ProcessBuilder(
                  System.getProperty("treewave.getfattr", "getfattr"),
                  "--recursive",
                  "--no-dereference", // a symlink's own xattrs, as libostree's lgetxattr
                  "--dump",
                  "--match=-", // every namespace
                  "--encoding=hex",
                  "--absolute-names",
                  "--",
                  abs.toString())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException notInstalled) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    CompletableFuture<byte[]> stderr =
        CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
    return CompletableFuture.supplyAsync(
        () -> {
          try (InputStream out = p.getInputStream()) {
            XattrDump dump = parse(out, abs.toString(), fileNameCharset());
            int code = p.waitFor();
            String err = new String(stderr.join(), StandardCharsets.UTF_8).strip();
            if (code != 0 && !onlyUnsupported(err)) {
              throw new OstreeException(
                  "Reading xattrs of "
                      + abs
                      + ": "
                      + (err.isEmpty()
                          ? "getfattr exited with " + code
                          : err.lines().findFirst().get()));
            }
            return Optional.of(dump);
          } catch (IOException e) {
            throw new OstreeException("Reading xattrs of " + abs + ": " + e.getMessage(), e);
          } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new OstreeException("Interrupted while reading xattrs of " + abs);
          }
        });
  }

  /**
   * A file system without xattr support (vfat, some FUSE and NFS mounts) makes getfattr fail for
   * each of its files; like libostree, read that as "no xattrs" rather than as an error.
   */
  static boolean onlyUnsupported(String stderr) {
    return !stderr.isEmpty() && stderr.lines().allMatch(l -> l.endsWith("Operation not supported"));
  }

  private static byte[] drain(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** File names are bytes; decode them as the JDK does for the paths the scan walks. */
  private static Charset fileNameCharset() {
    String jnu = System.getProperty("sun.jnu.encoding");
    try {
      return jnu == null ? Charset.defaultCharset() : Charset.forName(jnu);
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }

  /**
   * Parses {@code getfattr --dump --encoding=hex --absolute-names} output. Paths are keyed relative
   * to {@code root}; getfattr escapes bytes it will not print (newline, backslash, {@code =}, and
   * in some locales anything non-ASCII) as {@code \ooo}. Zero-length values are dropped, as
   * libostree drops them. Anything else in the output is an error rather than a guess.
   */
  static XattrDump parse(InputStream in, String root, Charset names) throws IOException {
    Map<String, List<Xattr>> byPath = new HashMap<>();
    String base = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    List<Xattr> current = null;
    for (byte[] line : lines(in)) {
      String text = new String(line, StandardCharsets.ISO_8859_1);
      if (text.isEmpty()) {
        continue;
      }
      if (text.startsWith(FILE_LINE)) {
        String path = new String(unescape(text.substring(FILE_LINE.length())), names);
        boolean isRoot = path.equals(base) || path.equals(base + "/");
        if (!isRoot && !path.startsWith(base + "/")) {
          throw new OstreeException("Unexpected path in getfattr output: " + path);
        }
        String relative = isRoot ? "" : path.substring(base.length());
        current = byPath.computeIfAbsent(relative, k -> new ArrayList<>());
        continue;
      }
      int eq = text.indexOf('=');
      if (current == null || eq <= 0 || !text.startsWith("0x", eq + 1)) {
        throw new OstreeException("Unexpected line in getfattr output: " + text);
      }
      byte[] value = HexFormat.of().parseHex(text, eq + 3, text.length());
      if (value.length > 0) {
        String name = new String(unescape(text.substring(0, eq)), StandardCharsets.UTF_8);
        current.add(new Xattr(name, value));
      }
    }
    byPath.values().removeIf(List::isEmpty);
    // Labelled trees repeat a few xattr sets thousands of times (one SELinux context per kind of
    // file): share one immutable list per distinct set, so an index of a large bare repository
    // costs little more than its paths in the node agent's small heap.
    Map<List<Xattr>, List<Xattr>> distinct = new HashMap<>();
    byPath.replaceAll((path, xattrs) -> distinct.computeIfAbsent(List.copyOf(xattrs), k -> k));
    return new XattrDump(byPath);
  }

  private static List<byte[]> lines(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        out.add(java.util.Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    if (start < all.length) {
      out.add(java.util.Arrays.copyOfRange(all, start, all.length));
    }
    return out;
  }

  /** {@code \ooo} (three octal digits) back to its byte; every other character is one byte. */
  static byte[] unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\'
          && i + 3 < s.length()
          && isOctal(s.charAt(i + 1))
          && isOctal(s.charAt(i + 2))
          && isOctal(s.charAt(i + 3))) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.write(c); // ISO-8859-1 decoded: one char per original byte
      }
    }
    return out.toByteArray();
  }

  private static boolean isOctal(char c) {
    return c >= '0' && c <= '7';
  }
}
