package dev.treewave.agent.testing;

import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A signing key made by the real GnuPG in a throwaway home ({@code gpg --batch --quick-gen-key}).
 * Close it to stop the gpg-agent that signing starts.
 */
public final class GpgKey implements AutoCloseable {

  private final Path home;
  private final String fingerprint;

  private GpgKey(Path home, String fingerprint) {
    this.home = home;
    this.fingerprint = fingerprint;
  }

  public static GpgKey generate(Path home, String name) throws IOException {
    RequiredTool.require("gpg", "apt-get install gnupg");
    Files.createDirectories(home);
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    gpg(
        home,
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--quick-gen-key",
        name + " <" + name.toLowerCase(java.util.Locale.ROOT).replace(' ', '.') + "@treewave.test>",
        "rsa2048",
        "sign",
        "never");
    for (String line : gpg(home, "--with-colons", "--list-secret-keys").split("\n")) {
      if (line.startsWith("fpr:")) {
        return new GpgKey(home, line.split(":")[9]);
      }
    }
    throw new AssertionError("gpg made no key in " + home);
  }

  public Path home() {
    return home;
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** The public key, ASCII-armored, as an admin would put it in a ConfigMap or Secret. */
  public byte[] armoredPublicKey() throws IOException {
    return gpg(home, "--armor", "--export", fingerprint).getBytes(StandardCharsets.US_ASCII);
  }

  private static String gpg(Path home, String... args) throws IOException {
    String[] command = new String[args.length + 2];
    command[0] = "gpg";
    command[1] = "--batch";
    System.arraycopy(args, 0, command, 2, args.length);
    return Cli.run(Map.of("GNUPGHOME", home.toString()), command);
  }

  @Override
  public void close() {
    try {
      Cli.run(Map.of("GNUPGHOME", home.toString()), "gpgconf", "--kill", "all");
    } catch (IOException | AssertionError e) {
      // the agent also exits by itself once its home directory is deleted
    }
  }
}
