package dev.treewave.ostree.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A SHA-256 object checksum: 32 bytes, written as 64 lowercase hex characters. */
public final class ObjectId implements Comparable<ObjectId> {
  private static final HexFormat HEX = HexFormat.of();
  private final byte[] bytes;
  private final int hash;

  private ObjectId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** From 32 raw bytes (copied). */
  public static ObjectId fromBytes(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("a checksum has 32 bytes, got " + raw.length);
    }
    return new ObjectId(raw.clone());
  }

  /** Parses 64 lowercase hex characters; anything else (uppercase too, as ostree) is refused. */
  public static ObjectId parse(String hex) {
    if (!isValid(hex)) {
      throw new IllegalArgumentException("Invalid checksum '" + hex + "'");
    }
    return new ObjectId(HEX.parseHex(hex));
  }

  public static boolean isValid(String hex) {
    if (hex == null || hex.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** SHA-256 of the given bytes. */
  public static ObjectId sha256(byte[] data) {
    return new ObjectId(newDigest().digest(data));
  }

  /** Wraps a finished digest's output. */
  public static ObjectId ofDigest(MessageDigest digest) {
    return new ObjectId(digest.digest());
  }

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(ObjectId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
