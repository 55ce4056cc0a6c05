package dev.treewave.ostree.remote;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A configured remote ({@code [remote "NAME"]} in the repo config) with the options the pull uses.
 * Defaults follow ostree: GPG verification of commits on, of the summary off.
 */
public record Remote(
    String name,
    String url,
    Optional<String> contentUrl,
    boolean gpgVerify,
    boolean gpgVerifySummary,
    boolean signVerify,
    boolean signVerifySummary,
    List<String> gpgKeyPaths,
    Optional<String> ed25519Key,
    Optional<String> ed25519File,
    List<String> branches,
    Map<String, String> options) {

  public Remote {
    gpgKeyPaths = List.copyOf(gpgKeyPaths);
    branches = List.copyOf(branches);
    options = Map.copyOf(options);
  }

  /** The config group name of a remote. */
  public static String group(String name) {
    return "remote \"" + name + "\"";
  }

  static Remote fromOptions(String name, Map<String, String> o) {
    String url = o.get("url");
    if (url == null) {
      throw new RemoteException("Remote '" + name + "' has no url");
    }
    return new Remote(
        name,
        url,
        Optional.ofNullable(o.get("contenturl")),
        bool(name, o, "gpg-verify", true),
        bool(name, o, "gpg-verify-summary", false),
        signVerify(name, o, "sign-verify"),
        signVerify(name, o, "sign-verify-summary"),
        list(o.get("gpgkeypath")),
        Optional.ofNullable(o.get("verification-ed25519-key")),
        Optional.ofNullable(o.get("verification-ed25519-file")),
        list(o.get("branches")),
        o);
  }

  private static boolean signVerify(String name, Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null) {
      return false;
    }
    if (v.equals("true") || v.equals("1")) {
      return true;
    }
    if (v.equals("false") || v.equals("0")) {
      return false;
    }
    // a list of engines: ed25519 is the only one we (and ostree) implement
    for (String e : list(v)) {
      if (!e.equals("ed25519")) {
        throw new RemoteException(
            "Remote '" + name + "': " + key + " names unknown signature type '" + e + "'");
      }
    }
    return !list(v).isEmpty();
  }

  private static boolean bool(String name, Map<String, String> o, String key, boolean dflt) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default ->
          throw new RemoteException("Remote '" + name + "': invalid boolean " + key + "=" + v);
    };
  }

  static List<String> list(String v) {
    if (v == null || v.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(v.split("[;,]"))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
