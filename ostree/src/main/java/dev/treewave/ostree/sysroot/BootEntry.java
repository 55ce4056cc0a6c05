package dev.treewave.ostree.sysroot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Boot Loader Specification entry as libostree 2022.7 writes it: one {@code key value} per line,
 * keys in the order title, version, options, devicetree, linux, initrd, then any others. Several
 * {@code initrd} lines are allowed (overlay initrds).
 */
public record BootEntry(Map<String, List<String>> keys) {

  private static final List<String> ORDER =
      List.of("title", "version", "options", "devicetree", "fdtdir", "linux", "initrd");

  /** {@code ostree=/ostree/boot.B/OS/BOOTCSUM/BOOTSERIAL}. */
  static final Pattern OSTREE_ARG =
      Pattern.compile("^/ostree/boot\\.([01])/([^/]+)/([^/]+)/([0-9]+)$");

  public BootEntry {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    keys.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    keys = java.util.Collections.unmodifiableMap(copy);
  }

  public static BootEntry parse(String text) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int sep = indexOfWhitespace(trimmed);
      String key = sep < 0 ? trimmed : trimmed.substring(0, sep);
      String value = sep < 0 ? "" : trimmed.substring(sep).strip();
      keys.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return new BootEntry(keys);
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  public Optional<String> get(String key) {
    List<String> values = keys.get(key);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public KernelArgs options() {
    return KernelArgs.parse(get("options").orElse(""));
  }

  /** The boot link named by {@code ostree=}, or empty when the entry is not an ostree one. */
  public Optional<BootLink> bootLink() {
    Optional<String> arg = options().value("ostree");
    if (arg.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = OSTREE_ARG.matcher(arg.get());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new BootLink(
            Integer.parseInt(m.group(1)), m.group(2), m.group(3), Integer.parseInt(m.group(4))));
  }

  public String serialize() {
    StringBuilder out = new StringBuilder();
    for (String key : ORDER) {
      appendKey(out, key);
    }
    for (String key : keys.keySet()) {
      if (!ORDER.contains(key)) {
        appendKey(out, key);
      }
    }
    return out.toString();
  }

  private void appendKey(StringBuilder out, String key) {
    for (String value : keys.getOrDefault(key, List.of())) {
      out.append(key).append(' ').append(value).append('\n');
    }
  }

  /** Where an entry's {@code ostree=} argument points: {@code /ostree/boot.B/OS/CSUM/SERIAL}. */
  public record BootLink(int bootVersion, String osname, String bootcsum, int bootserial) {
    public String path() {
      return "/ostree/boot." + bootVersion + "/" + osname + "/" + bootcsum + "/" + bootserial;
    }
  }
}
