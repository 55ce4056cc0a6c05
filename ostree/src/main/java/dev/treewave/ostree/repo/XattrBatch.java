package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.Xattr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Extended attributes the JDK cannot set ({@code security.capability}, {@code security.selinux},
 * {@code trusted.*}: every namespace but {@code user.}), collected while files are written and then
 * applied to all of them by one {@code setfattr --restore} run (package {@code attr}), read back by
 * one {@code getfattr} run and checked. A bare repository's objects and a root checkout carry such
 * xattrs as libostree's do. Callers apply a batch before the files become visible (a transaction
 * before its objects get their final names), so a failure leaves nothing half-labelled in place.
 */
public final class XattrBatch {
  private static final String USER = "user.";

  /** Paths per getfattr command line when reading back (far below ARG_MAX). */
  private static final int READBACK_CHUNK = 2000;

  private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

  private record Entry(Path file, List<Xattr> xattrs) {}

  /** Whether any of {@code xattrs} is outside the {@code user.} namespace. */
  public static boolean needsSetfattr(List<Xattr> xattrs) {
    for (Xattr x : xattrs) {
      if (!x.name().startsWith(USER)) {
        return true;
      }
    }
    return false;
  }

  /** Remembers every xattr of {@code file} (a symlink's own) for {@link #apply()}; thread-safe. */
  public void add(Path file, List<Xattr> xattrs) {
    List<Xattr> kept = new ArrayList<>();
    for (Xattr x : xattrs) {
      if (x.value().length > 0) { // libostree neither stores nor sets empty values
        kept.add(x);
      }
    }
    if (!kept.isEmpty()) {
      entries.add(new Entry(file.toAbsolutePath(), List.copyOf(kept)));
    }
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /**
   * Sets every collected xattr and verifies it reads back; the batch is empty afterwards. Throws
   * {@link OstreeException} with setfattr's own first error line (not root, a file system that
   * refuses the namespace) or naming the first file whose xattrs did not stick.
   */
  public void apply() {
    List<Entry> batch = new ArrayList<>();
    for (Entry e; (e = entries.poll()) != null; ) {
      batch.add(e);
    }
    if (batch.isEmpty()) {
      return;
    }
    Path dump = null;
    try {
      dump = Files.createTempFile("treewave-xattrs", ".dump");
      Files.write(dump, restoreInput(batch));
      run(
          List.of(
              System.getProperty("treewave.setfattr", "setfattr"),
              "--no-dereference", // a symlink's own xattrs, as libostree's lsetxattr
              "--restore=" + dump),
          "Setting xattrs on " + batch.get(0).file() + (batch.size() > 1 ? " and others" : ""));
      verify(batch);
    } catch (IOException e) {
      throw new OstreeException("Setting xattrs: " + e.getMessage(), e);
    } finally {
      if (dump != null) {
        try {
          Files.deleteIfExists(dump);
        } catch (IOException ignored) {
          // a leftover file in the temp directory
        }
      }
    }
  }

  /** Reads every file's xattrs back: each one set must be there with its value. */
  private static void verify(List<Entry> batch) throws IOException {
    for (int from = 0; from < batch.size(); from += READBACK_CHUNK) {
      List<Entry> chunk = batch.subList(from, Math.min(batch.size(), from + READBACK_CHUNK));
      List<String> cmd = new ArrayList<>();
      cmd.add(System.getProperty("treewave.getfattr", "getfattr"));
      cmd.addAll(
          List.of("--no-dereference", "--dump", "--match=-", "--encoding=hex", "--absolute-names"));
      cmd.add("--");
      chunk.forEach(e -> cmd.add(e.file().toString()));
      XattrDump read =
          XattrDump.parse(
              new java.io.ByteArrayInputStream(run(cmd, "Reading back xattrs")),
              "/",
              StandardCharsets.UTF_8);
      for (Entry e : chunk) {
        List<Xattr> actual = read.of(e.file().toString());
        for (Xattr x : e.xattrs()) {
          if (actual.stream()
              .noneMatch(a -> a.name().equals(x.name()) && Arrays.equals(a.value(), x.value()))) {
            throw new OstreeException(
                "xattr "
                    + x.name()
                    + " did not stick on "
                    + e.file()
                    + " (setfattr reported none)");
          }
        }
      }
    }
  }

  /** {@code setfattr --restore} input: the format {@code getfattr --dump --encoding=hex} prints. */
  static byte[] restoreInput(List<Entry> batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Entry e : batch) {
      out.writeBytes("# file: ".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(escape(e.file().toString().getBytes(StandardCharsets.UTF_8)));
      out.write('\n');
      for (Xattr x : e.xattrs()) {
        out.writeBytes(escape(x.name().getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(
            ("=0x" + HexFormat.of().formatHex(x.value()) + "\n")
                .getBytes(StandardCharsets.US_ASCII));
      }
      out.write('\n');
    }
    return out.toByteArray();
  }

  static byte[] restoreInput(Path file, List<Xattr> xattrs) {
    return restoreInput(List.of(new Entry(file, xattrs)));
  }

  /**
   * Escapes as {@code \ooo} every byte setfattr could misread: controls, space, {@code =}, the
   * backslash and anything non-ASCII (its unquoting turns any such escape back into the byte).
   */
  static byte[] escape(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    for (byte b : raw) {
      int c = b & 0xff;
      if (c <= ' ' || c >= 0x7f || c == '\\' || c == '=') {
        out.write('\\');
        out.write('0' + (c >> 6));
        out.write('0' + ((c >> 3) & 7));
        out.write('0' + (c & 7));
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  /** Runs a command to completion; returns its stdout, or throws with its first error line. */
  private static byte[] run(List<String> cmd, String what) throws IOException {
    Process p;
    try {
      p =
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException notInstalled) {
      throw new OstreeException(
          what
              + ": "
              + cmd.get(0)
              + " is not installed (package attr); the JDK alone can only set user.* xattrs");
    }
    CompletableFuture<byte[]> stderr =
        CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    try {
      int code = p.waitFor();
      String err = new String(stderr.join(), StandardCharsets.UTF_8).strip();
      if (code != 0) {
        throw new OstreeException(
            what
                + ": "
                + (err.isEmpty()
                    ? cmd.get(0) + " exited with " + code
                    : err.lines().findFirst().get()));
      }
      return out;
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new OstreeException(what + ": interrupted");
    }
  }

  private static byte[] drain(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
