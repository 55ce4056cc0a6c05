package dev.treewave.ostree.sysroot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ordered kernel command line with libostree's edit semantics: {@code replace} keeps the
 * position of the first occurrence of a key, {@code append} always adds, {@code delete} removes.
 * Immutable; every edit returns a new value.
 */
public record KernelArgs(List<String> args) {

  public KernelArgs {
    args = List.copyOf(args);
  }

  public static KernelArgs empty() {
    return new KernelArgs(List.of());
  }

  /** Splits on runs of whitespace (ostree does not honour quoting in BLS {@code options}). */
  public static KernelArgs parse(String cmdline) {
    List<String> out = new ArrayList<>();
    for (String arg : cmdline.trim().split("\\s+")) {
      if (!arg.isEmpty()) {
        out.add(arg);
      }
    }
    return new KernelArgs(out);
  }

  static String keyOf(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }

  /** Sets {@code key[=value]}: the first existing occurrence is replaced, later ones dropped. */
  public KernelArgs replace(String arg) {
    String key = keyOf(arg);
    List<String> out = new ArrayList<>();
    boolean placed = false;
    for (String existing : args) {
      if (keyOf(existing).equals(key)) {
        if (!placed) {
          out.add(arg);
          placed = true;
        }
      } else {
        out.add(existing);
      }
    }
    if (!placed) {
      out.add(arg);
    }
    return new KernelArgs(out);
  }

  public KernelArgs append(String arg) {
    List<String> out = new ArrayList<>(args);
    out.add(arg);
    return new KernelArgs(out);
  }

  /** Removes {@code key=value} exactly, or every occurrence of {@code key} when no value given. */
  public KernelArgs delete(String arg) {
    boolean exact = arg.contains("=");
    List<String> out = new ArrayList<>();
    for (String existing : args) {
      boolean match = exact ? existing.equals(arg) : keyOf(existing).equals(arg);
      if (!match) {
        out.add(existing);
      }
    }
    return new KernelArgs(out);
  }

  public Optional<String> value(String key) {
    for (String existing : args) {
      if (keyOf(existing).equals(key) && existing.length() > key.length()) {
        return Optional.of(existing.substring(key.length() + 1));
      }
    }
    return Optional.empty();
  }

  /** Without the {@code ostree=} argument: what makes two boot configurations equivalent. */
  public KernelArgs withoutOstree() {
    return delete("ostree");
  }

  @Override
  public String toString() {
    return String.join(" ", args);
  }
}
