package dev.treewave.ostree.repo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GLib key file ({@code [group]} / {@code key=value} lines) preserving order, comments and
 * unknown keys so that rewriting the repo {@code config} loses nothing.
 */
public final class KeyFile {
  private final List<String> lines;

  private KeyFile(List<String> lines) {
    this.lines = lines;
  }

  public static KeyFile parse(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    String group = null;
    for (String raw : lines) {
      String l = raw.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.startsWith("[")) {
        if (!l.endsWith("]")) {
          throw new OstreeException("Invalid key file: bad group line '" + raw + "'");
        }
        group = l.substring(1, l.length() - 1);
      } else if (l.indexOf('=') <= 0 || group == null) {
        throw new OstreeException("Invalid key file: line '" + raw + "' is not key=value");
      }
    }
    return new KeyFile(lines);
  }

  public static KeyFile empty() {
    return new KeyFile(new ArrayList<>());
  }

  public Optional<String> get(String group, String key) {
    return Optional.ofNullable(groupMap(group).get(key));
  }

  public boolean getBoolean(String group, String key, boolean dflt) {
    Optional<String> v = get(group, key);
    if (v.isEmpty()) {
      return dflt;
    }
    return switch (v.get().strip()) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default ->
          throw new OstreeException("Invalid boolean '" + v.get() + "' for " + group + "." + key);
    };
  }

  /** The keys of one group in file order (last value wins, as GLib). */
  public Map<String, String> groupMap(String group) {
    Map<String, String> out = new LinkedHashMap<>();
    String current = null;
    for (String raw : lines) {
      String l = raw.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.startsWith("[")) {
        current = l.substring(1, l.length() - 1);
      } else if (group.equals(current)) {
        int eq = l.indexOf('=');
        out.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
      }
    }
    return out;
  }

  public List<String> groups() {
    List<String> out = new ArrayList<>();
    for (String raw : lines) {
      String l = raw.strip();
      if (l.startsWith("[") && l.endsWith("]")) {
        out.add(l.substring(1, l.length() - 1));
      }
    }
    return out;
  }

  /** Sets a key, replacing it in place or appending it at the end of its group. */
  public void set(String group, String key, String value) {
    String current = null;
    int insertAt = -1;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.startsWith("[") && l.endsWith("]")) {
        current = l.substring(1, l.length() - 1);
        if (current.equals(group)) {
          insertAt = i + 1;
        }
        continue;
      }
      if (group.equals(current) && !l.isEmpty() && !l.startsWith("#")) {
        int eq = l.indexOf('=');
        if (l.substring(0, eq).strip().equals(key)) {
          lines.set(i, key + "=" + value);
          return;
        }
        insertAt = i + 1;
      }
    }
    if (insertAt < 0) {
      if (!lines.isEmpty()) {
        lines.add("");
      }
      lines.add("[" + group + "]");
      lines.add(key + "=" + value);
    } else {
      lines.add(insertAt, key + "=" + value);
    }
  }

  public String serialize() {
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l).append('\n');
    }
    return sb.toString();
  }
}
