package dev.treewave.ostree.sysroot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A deployment's {@code .origin} file: a GLib key file. Serialised exactly like GKeyFile does
 * ({@code [group]} then {@code key=value} lines, groups separated by one blank line), so pinning or
 * re-pointing a deployment produces the bytes ostree would.
 */
public record Origin(Map<String, Map<String, String>> groups) {

  static final String ORIGIN = "origin";
  static final String TRANSIENT = "libostree-transient";

  public Origin {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    groups.forEach(
        (g, kv) -> copy.put(g, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kv))));
    groups = java.util.Collections.unmodifiableMap(copy);
  }

  public static Origin ofRefspec(String refspec) {
    return new Origin(Map.of(ORIGIN, Map.of("refspec", refspec)));
  }

  public static Origin parse(String text) {
    Map<String, Map<String, String>> groups = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current =
            groups.computeIfAbsent(
                line.substring(1, line.length() - 1), g -> new LinkedHashMap<>());
      } else {
        int eq = line.indexOf('=');
        if (current == null || eq <= 0) {
          throw new IllegalArgumentException("malformed origin line: " + raw);
        }
        current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return new Origin(groups);
  }

  public Optional<String> get(String group, String key) {
    return Optional.ofNullable(groups.getOrDefault(group, Map.of()).get(key));
  }

  public Optional<String> refspec() {
    return get(ORIGIN, "refspec");
  }

  public boolean pinned() {
    return get(TRANSIENT, "pinned").map("true"::equals).orElse(false);
  }

  public Optional<String> unlocked() {
    return get(ORIGIN, "unlocked");
  }

  public Origin with(String group, String key, String value) {
    Map<String, Map<String, String>> copy = mutableCopy();
    copy.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(key, value);
    return new Origin(copy);
  }

  public Origin without(String group, String key) {
    Map<String, Map<String, String>> copy = mutableCopy();
    Map<String, String> kv = copy.get(group);
    if (kv != null) {
      kv.remove(key);
      if (kv.isEmpty()) {
        copy.remove(group);
      }
    }
    return new Origin(copy);
  }

  /** ostree keeps {@code pinned=true} in the transient group and drops the key on unpin. */
  public Origin withPinned(boolean pinned) {
    return pinned ? with(TRANSIENT, "pinned", "true") : without(TRANSIENT, "pinned");
  }

  public Origin withRefspec(String refspec) {
    return with(ORIGIN, "refspec", refspec);
  }

  private Map<String, Map<String, String>> mutableCopy() {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    groups.forEach((g, kv) -> copy.put(g, new LinkedHashMap<>(kv)));
    return copy;
  }

  public String serialize() {
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (var group : groups.entrySet()) {
      if (!first) {
        out.append('\n');
      }
      first = false;
      out.append('[').append(group.getKey()).append("]\n");
      group.getValue().forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
    }
    return out.toString();
  }
}
