package dev.treewave.ostree.sign.ed25519;

import dev.treewave.ostree.sign.SignatureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * ostree's ed25519 key formats (libsodium's): a public key is base64 of 32 bytes; a secret key is
 * base64 of 64 bytes (32-byte seed ‖ 32-byte public key); key files hold one base64 key per line.
 */
public final class Ed25519Keys {
  private Ed25519Keys() {}

  /** Decodes a base64 public key (32 bytes). */
  public static byte[] parsePublic(String base64) {
    byte[] k = decode(base64, "public");
    if (k.length != 32) {
      throw new SignatureException(
          "Invalid ed25519 public key: " + k.length + " bytes, expected 32");
    }
    return k;
  }

  /**
   * Decodes a secret key: 64 bytes (seed ‖ public, checked for consistency) or a bare 32-byte seed;
   * returns the seed.
   */
  public static byte[] parseSecretSeed(String base64) {
    byte[] k = decode(base64, "secret");
    if (k.length == 32) {
      return k;
    }
    if (k.length != 64) {
      throw new SignatureException(
          "Invalid ed25519 secret key: " + k.length + " bytes, expected 64");
    }
    byte[] seed = java.util.Arrays.copyOf(k, 32);
    byte[] pub = java.util.Arrays.copyOfRange(k, 32, 64);
    if (!java.util.Arrays.equals(publicFromSeed(seed), pub)) {
      throw new SignatureException("Invalid ed25519 secret key: public half does not match seed");
    }
    return seed;
  }

  public static byte[] publicFromSeed(byte[] seed) {
    return new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
  }

  /** The libsodium/ostree secret key string for a seed. */
  public static String secretKeyString(byte[] seed) {
    byte[] both = new byte[64];
    System.arraycopy(seed, 0, both, 0, 32);
    System.arraycopy(publicFromSeed(seed), 0, both, 32, 32);
    return Base64.getEncoder().encodeToString(both);
  }

  public static String publicKeyString(byte[] publicKey) {
    return Base64.getEncoder().encodeToString(publicKey);
  }

  /** Public keys from a key file (one base64 key per line; blank lines and # comments ignored). */
  public static List<byte[]> readPublicKeyFile(Path file) {
    List<byte[]> out = new ArrayList<>();
    for (String line : lines(file)) {
      out.add(parsePublic(line));
    }
    return out;
  }

  /** Secret seeds from a key file. */
  public static List<byte[]> readSecretKeyFile(Path file) {
    List<byte[]> out = new ArrayList<>();
    for (String line : lines(file)) {
      out.add(parseSecretSeed(line));
    }
    return out;
  }

  /** Public keys from {@code NAME} and every file in {@code NAME.d/}, if they exist. */
  public static List<byte[]> readKeyDir(Path dir, String name) {
    List<byte[]> out = new ArrayList<>();
    Path f = dir.resolve(name);
    if (Files.isRegularFile(f)) {
      out.addAll(readPublicKeyFile(f));
    }
    Path d = dir.resolve(name + ".d");
    if (Files.isDirectory(d)) {
      try (Stream<Path> s = Files.list(d)) {
        for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
          out.addAll(readPublicKeyFile(p));
        }
      } catch (IOException e) {
        throw new SignatureException("Reading " + d + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new SignatureException("Reading ed25519 key file " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] decode(String base64, String kind) {
    try {
      return Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new SignatureException("Invalid ed25519 " + kind + " key: not base64");
    }
  }
}
