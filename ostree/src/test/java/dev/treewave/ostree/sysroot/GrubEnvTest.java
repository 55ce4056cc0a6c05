package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrubEnvTest {

  @Test
  void serializesToExactlyOneKibibyteWithHeaderAndPadding() {
    byte[] b = GrubEnv.empty().with("boot_counter", "3").with("boot_success", "0").serialize();
    assertThat(b).hasSize(1024);
    String text = new String(b, StandardCharsets.UTF_8);
    assertThat(text)
        .startsWith(GrubEnv.HEADER + "boot_counter=3\nboot_success=0\n#")
        .matches("(?s).*\n#+");
    assertThat(GrubEnv.parse(b).vars())
        .containsExactly(Map.entry("boot_counter", "3"), Map.entry("boot_success", "0"));
  }

  @Test
  void backslashesAreDoubledAndRead() {
    GrubEnv env = GrubEnv.empty().with("x", "a\\b");
    assertThat(new String(env.serialize(), StandardCharsets.UTF_8)).contains("x=a\\\\b\n");
    assertThat(GrubEnv.parse(env.serialize()).get("x")).contains("a\\b");
  }

  @Test
  void refusesWhatGrubCouldNotKeep() {
    assertThatThrownBy(() -> GrubEnv.parse(new byte[1023]))
        .isInstanceOf(SysrootException.class)
        .hasMessageContaining("1023 bytes");
    assertThatThrownBy(() -> GrubEnv.parse(new byte[1024]))
        .isInstanceOf(SysrootException.class)
        .hasMessageContaining("no header");
    assertThatThrownBy(() -> GrubEnv.empty().with("x", "a".repeat(1000)).serialize())
        .isInstanceOf(SysrootException.class)
        .hasMessageContaining("at most 1024");
    assertThatThrownBy(() -> GrubEnv.empty().with("a b", "1")).isInstanceOf(SysrootException.class);
    assertThatThrownBy(() -> GrubEnv.empty().with("x", "1\n2"))
        .isInstanceOf(SysrootException.class);
  }

  @Test
  void configCountsDownThenFallsBackAndQuotesEverything() {
    BootEntry e0 =
        BootEntry.parse(
            "title Debian 'new' 2\nversion 2\noptions root=/dev/vda1 ostree=/ostree/boot.1/os/c/0"
                + " x=$y\nlinux /ostree/os-c/vmlinuz-6\ninitrd /ostree/os-c/initramfs-6.img\n");
    BootEntry e1 =
        BootEntry.parse("title Debian 1\nversion 1\noptions rw\nlinux /ostree/os-d/vmlinuz-6\n");
    String cfg = GrubConfig.render(1, List.of(e0, e1));
    assertThat(cfg)
        .contains("set tw_env=/boot/loader.1/grubenv\n")
        .contains("menuentry 'Debian '\\''new'\\'' 2' --id ostree-0 {\n")
        .contains(
            "  linux '/boot/ostree/os-c/vmlinuz-6' 'root=/dev/vda1' 'ostree=/ostree/boot.1/os/c/0'"
                + " 'x=$y'\n")
        .contains("  initrd '/boot/ostree/os-c/initramfs-6.img'\n")
        .contains("  elif [ \"${boot_counter}\" = \"3\" ]; then\n    set boot_counter=2\n")
        .contains("  if [ \"${boot_counter}\" = \"0\" ]; then\n    set default=1\n");
    assertThat(cfg.indexOf("--id ostree-0")).isLessThan(cfg.indexOf("--id ostree-1"));
    // one entry: nothing to fall back to, so no counting
    assertThat(GrubConfig.render(0, List.of(e1))).doesNotContain("boot_counter=");
  }
}
