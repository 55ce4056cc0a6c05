package dev.treewave.ostree.commit;

import dev.treewave.ostree.repo.OstreeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code ostree commit --statoverride=FILE --skip-list=FILE}, with ostree 2022.7's semantics. Paths
 * are absolute within the commit ({@code /usr/bin/tool}). A statoverride line {@code +MODE PATH}
 * (or {@code MODE PATH}) ORs MODE into the file's mode, {@code =MODE PATH} replaces its permission
 * bits; MODE is a number as C's strtod reads it (decimal, or 0x hex; garbage reads as 0). A
 * skip-list line is a path left out of the commit (a directory with everything below it). Every
 * {@code +} line and every skip-list path must match something, otherwise the commit fails; like
 * ostree, {@code =} lines are not checked, and on directories the mode change is consumed but not
 * applied. Not thread-safe: the directory scan that uses it is single-threaded.
 */
public final class CommitFilter {
  private final Map<String, Integer> modeAdds = new HashMap<>();
  private final Map<String, Integer> modeOverrides = new HashMap<>();
  private final Set<String> skip = new HashSet<>();

  private CommitFilter() {}

  /** Reads the files (either may be null). */
  public static CommitFilter read(Path statOverride, Path skipList) {
    CommitFilter f = new CommitFilter();
    for (String line : lines(statOverride)) {
      int sp = line.indexOf(' ');
      if (sp < 0) {
        throw new OstreeException("Malformed statoverride file (no space found)");
      }
      String path = line.substring(sp + 1);
      if (line.startsWith("=")) {
        f.modeOverrides.put(path, strtod(line.substring(1, sp)));
      } else {
        f.modeAdds.put(path, strtod(line.substring(0, sp)));
      }
    }
    f.skip.addAll(lines(skipList));
    return f;
  }

  private static List<String> lines(Path file) {
    if (file == null) {
      return List.of();
    }
    try {
      List<String> out = new ArrayList<>();
      for (String l : Files.readString(file, StandardCharsets.UTF_8).split("\n", -1)) {
        if (!l.isEmpty()) {
          out.add(l);
        }
      }
      return out;
    } catch (IOException e) {
      throw new OstreeException("Reading " + file + ": " + e.getMessage(), e);
    }
  }

  /** The leading number of {@code s} as strtod would read it, truncated to an int; 0 if none. */
  static int strtod(String s) {
    String t = s.strip();
    int sign = 1;
    if (t.startsWith("+") || t.startsWith("-")) {
      sign = t.startsWith("-") ? -1 : 1;
      t = t.substring(1);
    }
    long v = 0;
    if (t.startsWith("0x") || t.startsWith("0X")) {
      for (int i = 2; i < t.length() && Character.digit(t.charAt(i), 16) >= 0; i++) {
        v = v * 16 + Character.digit(t.charAt(i), 16);
      }
    } else {
      for (int i = 0; i < t.length() && Character.isDigit(t.charAt(i)); i++) {
        v = v * 10 + (t.charAt(i) - '0');
      }
    }
    return (int) (sign * v);
  }

  /** The mode to record for {@code path}; consumes a matching {@code +} line. */
  int mode(String path, int mode, boolean directory) {
    Integer add = modeAdds.remove(path);
    if (directory) {
      return mode; // ostree 2022.7 matches directories but keeps their mode
    }
    if (add != null) {
      return mode | add;
    }
    Integer override = modeOverrides.get(path);
    if (override != null) {
      return (mode & 0170000) | override;
    }
    return mode;
  }

  /** Whether {@code path} is left out; consumes the skip-list entry. */
  boolean skips(String path) {
    return skip.remove(path);
  }

  /** Fails like ostree if a {@code +} line or a skip-list path matched nothing. */
  void requireAllMatched() {
    if (!modeAdds.isEmpty()) {
      throw new OstreeException(
          "Unmatched statoverride paths: " + String.join(", ", new TreeSet<>(modeAdds.keySet())));
    }
    if (!skip.isEmpty()) {
      throw new OstreeException(
          "Unmatched skip-list paths: " + String.join(", ", new TreeSet<>(skip)));
    }
  }

  boolean isEmpty() {
    return modeAdds.isEmpty() && modeOverrides.isEmpty() && skip.isEmpty();
  }
}
