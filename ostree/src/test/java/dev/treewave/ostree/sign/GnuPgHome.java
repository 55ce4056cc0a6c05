package dev.treewave.ostree.sign;

import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway GnuPG home with one freshly generated signing key (made by the real {@code gpg}).
 * Close it to stop the gpg-agent it started.
 */
public final class GnuPgHome implements AutoCloseable {
  private final Path home;
  private final String fingerprint;

  private GnuPgHome(Path home, String fingerprint) {
    this.home = home;
    this.fingerprint = fingerprint;
  }

  /** Creates {@code home} and generates a key of {@code algo} (e.g. rsa2048, ed25519). */
  public static GnuPgHome create(Path home, String name, String algo) throws IOException {
    RequiredTool.require("gpg", "apt-get install gnupg");
    Files.createDirectories(home);
    Files.setPosixFilePermissions(
        home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    run(
        home,
        null,
        "gpg",
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--quick-gen-key",
        name + " <" + name.toLowerCase().replace(' ', '.') + "@treewave.test>",
        algo,
        "sign",
        "never");
    String colons = run(home, null, "gpg", "--batch", "--with-colons", "--list-secret-keys");
    String fpr = null;
    for (String line : colons.split("\n")) {
      if (line.startsWith("fpr:")) {
        fpr = line.split(":")[9];
        break;
      }
    }
    if (fpr == null) {
      throw new AssertionError("gpg made no key: " + colons);
    }
    return new GnuPgHome(home, fpr);
  }

  public Path home() {
    return home;
  }

  public String fingerprint() {
    return fingerprint;
  }

  public byte[] exportPublic() throws IOException {
    return runBytes(home, "gpg", "--batch", "--export", fingerprint);
  }

  public Path exportPublicTo(Path file) throws IOException {
    Files.write(file, exportPublic());
    return file;
  }

  public byte[] exportSecret() throws IOException {
    return runBytes(
        home,
        "gpg",
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--export-secret-keys",
        fingerprint);
  }

  /** gpg's own verdict on a detached signature. */
  public boolean gpgVerifies(Path signature, Path data) throws IOException {
    try {
      run(home, null, "gpg", "--batch", "--verify", signature.toString(), data.toString());
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  /** Revokes the key in this home (gpg's revocation certificate made at generation). */
  public void revoke() throws IOException {
    Path rev = home.resolve("openpgp-revocs.d").resolve(fingerprint + ".rev");
    String text = Files.readString(rev).replace(":-----BEGIN", "-----BEGIN");
    Path fixed = home.resolve("revoke.asc");
    Files.writeString(fixed, text);
    run(home, null, "gpg", "--batch", "--import", fixed.toString());
  }

  static String run(Path home, Path cwd, String... cmd) throws IOException {
    return new String(runBytes(home, cmd), StandardCharsets.UTF_8);
  }

  static byte[] runBytes(Path home, String... cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of(cmd));
    pb.environment().put("GNUPGHOME", home.toString());
    Processes.Result r = Processes.run(pb, Duration.ofMinutes(2));
    if (r.exitCode() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + r.stderr());
    }
    return r.stdoutBytes();
  }

  @Override
  public void close() {
    try {
      List<String> cmd = new ArrayList<>(List.of("gpgconf", "--kill", "all"));
      runBytes(home, cmd.toArray(String[]::new));
    } catch (IOException | AssertionError e) {
      // the agent exits on its own when its socket directory disappears
    }
  }
}
