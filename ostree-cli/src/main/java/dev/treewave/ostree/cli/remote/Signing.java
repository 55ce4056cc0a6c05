package dev.treewave.ostree.cli.remote;

import dev.treewave.ostree.sign.Signer;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Signer;
import dev.treewave.ostree.sign.gpg.GpgSigner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns CLI key options into signers (for {@code sign}, {@code gpg-sign}, {@code summary -u} and
 * {@code commit}). Error messages name a key by its id or file, never by the secret key itself.
 */
public final class Signing {
  private Signing() {}

  /**
   * A GPG signer for {@code keyId}: from an exported secret keyring file, or (like ostree's {@code
   * --gpg-homedir}) exported from a GnuPG home by running {@code gpg --export-secret-keys}.
   */
  public static Signer gpg(String keyId, Path homedir, Path secretKeyring) throws IOException {
    if (secretKeyring != null) {
      return GpgSigner.load(secretKeyring, keyId, null);
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            "gpg",
            "--batch",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
            "--export-secret-keys",
            keyId);
    if (homedir != null) {
      pb.environment().put("GNUPGHOME", homedir.toString());
    }
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] key = p.getInputStream().readAllBytes();
    try {
      p.waitFor(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (p.exitValue() != 0 || key.length == 0) {
      throw new IllegalArgumentException(
          "Could not export GPG secret key "
              + keyId
              + " (is it passphrase-less and in the homedir?)");
    }
    return GpgSigner.fromBytes(key, keyId, null);
  }

  public static List<Signer> ed25519(String type, List<String> keys, Path keysFile) {
    List<Signer> out = new ArrayList<>();
    if (keys.isEmpty() && keysFile == null) {
      return out;
    }
    if (!type.equals("ed25519")) {
      throw new IllegalArgumentException("Requested signature type is not implemented: " + type);
    }
    for (String k : keys) {
      out.add(Ed25519Signer.fromSecretKey(k));
    }
    if (keysFile != null) {
      for (byte[] seed : Ed25519Keys.readSecretKeyFile(keysFile)) {
        out.add(new Ed25519Signer(seed));
      }
    }
    return out;
  }
}
