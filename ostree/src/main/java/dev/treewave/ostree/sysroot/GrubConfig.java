package dev.treewave.ostree.sysroot;

import java.util.List;

/**
 * The {@code grub.cfg} treewave writes into each {@code boot/loader.N/} beside the BLS entries, for
 * Debian's GRUB 2.06, which has no {@code blscfg} command: one {@code menuentry} per entry, in boot
 * order, plus boot counting (greenboot's scheme over a {@link GrubEnv} in the same directory).
 *
 * <p>Counting: the block holds {@code boot_success=0} and {@code boot_counter=N} when a new default
 * is armed. Each boot with a counter above 0 decrements it and boots entry 0; once it is 0 the
 * config boots entry 1 (the previous deployment) instead, on every boot until userspace writes a
 * new list. Debian's GRUB has no {@code decrement} command, so the decrement is a chain of string
 * comparisons. Userspace marks a good boot by writing {@code boot_success=1} without a counter.
 *
 * <p>Kernel paths are {@code /boot} + the BLS path: libostree's {@code boot/boot -> .} symlink
 * makes that resolve both when {@code /boot} is a directory of the root filesystem and when it is
 * its own partition.
 */
final class GrubConfig {

  /** Tries a new default gets before GRUB falls back, unless configured otherwise. */
  static final int DEFAULT_TRIES = 3;

  /** The largest count the decrement chain handles. */
  static final int MAX_TRIES = 9;

  private GrubConfig() {}

  /**
   * @param bootversion the {@code loader.N} directory the config and its environment block live in
   * @param entries the entries in boot order (index 0 is the default)
   */
  static String render(int bootversion, List<BootEntry> entries) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Written by treewave from the BLS entries of loader.")
        .append(bootversion)
        .append("; replaced on every deployment change.\n");
    sb.append("set tw_env=/boot/loader.").append(bootversion).append("/grubenv\n");
    sb.append("set default=0\n");
    if (entries.size() > 1) {
      sb.append("set fallback=1\n");
    }
    sb.append("if [ -z \"${timeout}\" ]; then set timeout=1; fi\n");
    sb.append("if [ -f \"${tw_env}\" ]; then\n");
    sb.append("  load_env -f \"${tw_env}\" boot_counter boot_success\n");
    sb.append("fi\n");
    if (entries.size() > 1) {
      sb.append("if [ \"${boot_success}\" = \"0\" ]; then\n");
      sb.append("  if [ \"${boot_counter}\" = \"0\" ]; then\n");
      sb.append("    set default=1\n");
      sb.append("    echo \"treewave: boot counter exhausted, booting the previous deployment\"\n");
      for (int n = 1; n <= MAX_TRIES; n++) {
        sb.append("  elif [ \"${boot_counter}\" = \"").append(n).append("\" ]; then\n");
        sb.append("    set boot_counter=").append(n - 1).append('\n');
        sb.append("    save_env -f \"${tw_env}\" boot_counter\n");
      }
      sb.append("  fi\n");
      sb.append("fi\n");
    }
    for (int i = 0; i < entries.size(); i++) {
      BootEntry e = entries.get(i);
      String title = e.get("title").orElse("ostree:" + i);
      sb.append("menuentry ").append(quote(title)).append(" --id ostree-").append(i).append(" {\n");
      sb.append("  echo ").append(quote("treewave: loading " + title)).append('\n');
      sb.append("  linux ").append(quote("/boot" + e.get("linux").orElseThrow()));
      for (String arg : e.options().args()) {
        sb.append(' ').append(quote(arg));
      }
      sb.append('\n');
      List<String> initrds = e.keys().getOrDefault("initrd", List.of());
      if (!initrds.isEmpty()) {
        sb.append("  initrd");
        for (String initrd : initrds) {
          sb.append(' ').append(quote("/boot" + initrd));
        }
        sb.append('\n');
      }
      e.get("devicetree")
          .ifPresent(dt -> sb.append("  devicetree ").append(quote("/boot" + dt)).append('\n'));
      sb.append("}\n");
    }
    return sb.toString();
  }

  /** A GRUB script word in single quotes: nothing inside is expanded. */
  static String quote(String s) {
    if (s.indexOf('\n') >= 0) {
      throw new SysrootException("a line break cannot go into grub.cfg: " + s.strip());
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
