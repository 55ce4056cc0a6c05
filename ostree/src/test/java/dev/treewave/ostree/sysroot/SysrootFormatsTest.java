package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Kernel arguments, BLS entries, origin files and the staged-deployment GVariant. */
class SysrootFormatsTest {

  @Test
  void kargsReplaceKeepsPositionAndDropsDuplicates() {
    KernelArgs k = KernelArgs.parse("root=/dev/vda1  console=tty0 rw console=ttyS0 ostree=/x");
    assertThat(k.replace("console=ttyS1").toString())
        .isEqualTo("root=/dev/vda1 console=ttyS1 rw ostree=/x");
    assertThat(k.replace("quiet").toString()).endsWith("ostree=/x quiet");
    assertThat(k.append("console=hvc0").args()).endsWith("console=hvc0");
    assertThat(k.delete("console").toString()).isEqualTo("root=/dev/vda1 rw ostree=/x");
    assertThat(k.delete("console=tty0").toString())
        .isEqualTo("root=/dev/vda1 rw console=ttyS0 ostree=/x");
    assertThat(k.value("ostree")).contains("/x");
    assertThat(k.withoutOstree().value("ostree")).isEmpty();
  }

  @Test
  void blsEntryRoundTripsInLibostreeKeyOrder() {
    String text =
        "title Test OS 1 3.0 (ostree:0)\n"
            + "version 2\n"
            + "options root=/dev/vda1 rw ostree=/ostree/boot.0/testos/"
            + "1f8636672a1069e59521bc2d98a7ac3b8ed9326cc40e85adb32392e4f81d4ff0/0 quiet\n"
            + "linux /ostree/testos-1f86/vmlinuz-5.10.0-test\n"
            + "initrd /ostree/testos-1f86/initramfs-5.10.0-test.img\n";
    BootEntry e = BootEntry.parse("initrd /ostree/testos-1f86/initramfs-5.10.0-test.img\n" + text);
    assertThat(e.keys().get("initrd")).hasSize(2);
    BootEntry plain = BootEntry.parse(text);
    assertThat(plain.serialize()).isEqualTo(text);
    BootEntry.BootLink link = plain.bootLink().orElseThrow();
    assertThat(link)
        .isEqualTo(
            new BootEntry.BootLink(
                0,
                "testos",
                "1f8636672a1069e59521bc2d98a7ac3b8ed9326cc40e85adb32392e4f81d4ff0",
                0));
    assertThat(BootEntry.parse("options ostree=/ostree/boot.2/a/b/0\n").bootLink()).isEmpty();
  }

  @Test
  void originPinningMatchesGKeyFileBytes() {
    Origin o = Origin.ofRefspec("testos-remote:testos/stable");
    assertThat(o.serialize()).isEqualTo("[origin]\nrefspec=testos-remote:testos/stable\n");
    Origin pinned = o.withPinned(true);
    assertThat(pinned.serialize())
        .isEqualTo(
            "[origin]\nrefspec=testos-remote:testos/stable\n\n[libostree-transient]\npinned=true\n");
    assertThat(Origin.parse(pinned.serialize()).pinned()).isTrue();
    assertThat(pinned.withPinned(false).serialize()).isEqualTo(o.serialize());
    assertThatThrownBy(() -> Origin.parse("refspec=x\n")).hasMessageContaining("malformed");
  }

  @Test
  void stagedFileIsGVariantNormalForm() {
    // {'a': <'b'>}: "a\0", pad to 8, "b\0" "\0" "s", key-end offset 2; array end offset 13.
    assertThat(HexFormat.of().formatHex(StagedDeploymentFile.encode(java.util.Map.of("a", "b"))))
        .isEqualTo("6100000000000000620000730" + "20d");
    StagedDeploymentFile f =
        new StagedDeploymentFile(
            new StagedDeploymentFile.Ref("c".repeat(64) + ".0", "testos", "d".repeat(64)),
            Optional.of(
                new StagedDeploymentFile.Ref("e".repeat(64) + ".1", "testos", "f".repeat(64))),
            Optional.of(List.of("root=/dev/vda1", "ostree=/ostree/boot.1/testos/x/0", "")));
    assertThat(StagedDeploymentFile.parse(f.serialize())).isEqualTo(f);
    StagedDeploymentFile minimal =
        new StagedDeploymentFile(
            new StagedDeploymentFile.Ref("a.0", "os", "b"), Optional.empty(), Optional.empty());
    assertThat(StagedDeploymentFile.parse(minimal.serialize())).isEqualTo(minimal);
    byte[] corrupt = f.serialize();
    corrupt[corrupt.length - 1] = (byte) 0xff;
    assertThatThrownBy(() -> StagedDeploymentFile.parse(corrupt))
        .isInstanceOf(SysrootException.class);
  }

  @Test
  void blsVersionsSortLikeStrverscmp() {
    assertThat(SysrootLoader.strverscmp("10", "9")).isPositive();
    assertThat(SysrootLoader.strverscmp("2", "2")).isZero();
    assertThat(SysrootLoader.strverscmp("1.10", "1.9")).isPositive();
    assertThat(SysrootLoader.strverscmp("a", "b")).isNegative();
  }

  @Test
  void unsafeStaterootNamesAreRejected() {
    assertThatThrownBy(() -> DeployOptions.of("x").withOsname("../etc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeployOptions.of("x").withOsname(".."))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
