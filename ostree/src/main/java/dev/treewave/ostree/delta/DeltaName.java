package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.ObjectId;
import java.util.Base64;
import java.util.Optional;

/**
 * Identifies a static delta: to a commit, from another commit or from nothing ("scratch"). Knows
 * the on-disk naming: modified base64 of the raw checksums ({@code /} → {@code _}, no padding,
 * {@code +} kept), split after two characters.
 */
public record DeltaName(Optional<ObjectId> from, ObjectId to) {

  public static DeltaName scratch(ObjectId to) {
    return new DeltaName(Optional.empty(), to);
  }

  public static DeltaName of(ObjectId from, ObjectId to) {
    return new DeltaName(Optional.of(from), to);
  }

  /** Parses {@code TOHEX} or {@code FROMHEX-TOHEX} as used in summaries and the CLI. */
  public static DeltaName parse(String name) {
    int dash = name.indexOf('-');
    try {
      if (dash < 0) {
        return scratch(ObjectId.parse(name));
      }
      return of(ObjectId.parse(name.substring(0, dash)), ObjectId.parse(name.substring(dash + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid static delta name '" + name + "'");
    }
  }

  public static String b64(ObjectId id) {
    String s = Base64.getEncoder().withoutPadding().encodeToString(id.bytes());
    return s.replace('/', '_');
  }

  public static ObjectId fromB64(String s) {
    byte[] raw = Base64.getDecoder().decode(s.replace('_', '/'));
    return ObjectId.fromBytes(raw);
  }

  /** Repository-relative directory, e.g. {@code deltas/7M/8K1r…-QF1T…}. */
  public String directory() {
    if (from.isEmpty()) {
      String t = b64(to);
      return "deltas/" + t.substring(0, 2) + "/" + t.substring(2);
    }
    String f = b64(from.get());
    return "deltas/" + f.substring(0, 2) + "/" + f.substring(2) + "-" + b64(to);
  }

  public String superblockPath() {
    return directory() + "/superblock";
  }

  public String partPath(int i) {
    return directory() + "/" + i;
  }

  /** The index file listing every delta to {@code to}. */
  public static String indexPath(ObjectId to) {
    String t = b64(to);
    return "delta-indexes/" + t.substring(0, 2) + "/" + t.substring(2) + ".index";
  }

  @Override
  public String toString() {
    return from.map(f -> f.hex() + "-" + to.hex()).orElse(to.hex());
  }
}
