package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GRUB backend against GRUB's own tools: {@code grub-editenv} (GRUB 2.06's environment block
 * code) writes the same 1024 bytes as {@link GrubEnv} and reads ours; {@code grub-script-check}
 * (GRUB's script parser) accepts every {@code grub.cfg} the sysroot writes; and the counter is
 * armed, kept and cleared across deploy, boot and rollback as {@link GrubBackend} promises, while
 * the real {@code ostree admin status} still reads the sysroot.
 */
class GrubBackendIT {

  private static final String HINT = "apt-get install grub2-common";
  private ScratchDir scratch;
  private Path root;
  private String c1;
  private String c2;
  private String c3;

  @BeforeEach
  void setUp() throws IOException {
    OstreeCli.ostree();
    scratch = new ScratchDir("grub-backend");
    root = scratch.resolve("sysroot");
    Sysroot.initFs(root, new LocalSysrootFs());
    Path repo = root.resolve("ostree/repo");
    c1 = FakeOs.commit(repo, FakeOs.tree(scratch.resolve("t1"), "1", FakeOs.ETC_V1), "os/v1", "1");
    c2 = FakeOs.commit(repo, FakeOs.tree(scratch.resolve("t2"), "2", FakeOs.ETC_V2), "os/v2", "2");
    c3 = FakeOs.commit(repo, FakeOs.tree(scratch.resolve("t3"), "3", FakeOs.ETC_V2), "os/v3", "3");
    Files.createDirectories(root.resolve("boot/grub"));
    Files.createSymbolicLink(root.resolve("boot/grub/grub.cfg"), Path.of("../loader/grub.cfg"));
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  @Test
  void environmentBlockIsByteForByteGrubEditenvs() throws IOException {
    Path editenv = RequiredTool.require("grub-editenv", HINT);
    Path theirs = scratch.resolve("theirs");
    OstreeCli.run(List.of(editenv.toString(), theirs.toString(), "create")).ok();
    assertThat(Files.readAllBytes(theirs)).isEqualTo(GrubEnv.empty().serialize());
    OstreeCli.run(
            List.of(
                editenv.toString(),
                theirs.toString(),
                "set",
                "boot_counter=3",
                "boot_success=0",
                "path=a\\b"))
        .ok();
    GrubEnv ours =
        GrubEnv.empty().with("boot_counter", "3").with("boot_success", "0").with("path", "a\\b");
    assertThat(Files.readAllBytes(theirs)).isEqualTo(ours.serialize());
    assertThat(GrubEnv.parse(Files.readAllBytes(theirs))).isEqualTo(ours);

    // GRUB reads what we write, and its edits of our block are ours again.
    Path mine = scratch.resolve("mine");
    Files.write(mine, ours.without("boot_counter").with("boot_success", "1").serialize());
    assertThat(OstreeCli.run(List.of(editenv.toString(), mine.toString(), "list")).ok().out())
        .isEqualTo("boot_success=1\npath=a\\b\n");
    OstreeCli.run(List.of(editenv.toString(), mine.toString(), "unset", "path")).ok();
    assertThat(Files.readAllBytes(mine))
        .isEqualTo(GrubEnv.empty().with("boot_success", "1").serialize());
  }

  @Test
  void armsOnANewDefaultKeepsItPendingAndClearsItOnceBooted() throws IOException {
    Path scriptCheck = RequiredTool.require("grub-script-check", HINT);
    Sysroot s = notBooted();
    assertThat(s.bootloader()).isEqualTo("grub2");
    s.osInit(FakeOs.OS);
    s.deploy(DeployOptions.of("os/v1").withOsname(FakeOs.OS));
    // one deployment: nothing to fall back to, so nothing is armed
    assertThat(s.grubEnv().get("boot_counter")).isEmpty();
    assertGrubAccepts(scriptCheck);

    s.deploy(DeployOptions.of("os/v2").withOsname(FakeOs.OS));
    int v = s.state().bootversion();
    assertThat(s.grubEnv().vars()).containsEntry("boot_counter", "3");
    assertThat(s.grubEnv().vars()).containsEntry("boot_success", "0");
    String cfg = Files.readString(root.resolve("boot/grub/grub.cfg"));
    assertThat(cfg).contains("/boot/loader." + v + "/grubenv");
    // menu order is boot order: the new default (BLS version 2) first
    String newKernel = linuxOf("ostree-2-testos.conf");
    String oldKernel = linuxOf("ostree-1-testos.conf");
    assertThat(newKernel).isNotEqualTo(oldKernel);
    assertThat(cfg.indexOf("--id ostree-0")).isLessThan(cfg.indexOf("'/boot" + newKernel + "'"));
    assertThat(cfg.indexOf("'/boot" + newKernel + "'"))
        .isLessThan(cfg.indexOf("--id ostree-1"))
        .isLessThan(cfg.indexOf("'/boot" + oldKernel + "'"));
    assertGrubAccepts(scriptCheck);

    // GRUB counts one try down in place (as save_env does); a pin keeps the pending try.
    Path env = root.resolve("boot/loader/grubenv");
    Files.write(env, GrubEnv.parse(Files.readAllBytes(env)).with("boot_counter", "2").serialize());
    s.setPinned(1, true);
    assertThat(s.grubEnv().vars()).containsEntry("boot_counter", "2");

    // Booted into v2 (the default): marking success clears the counter ...
    Sysroot onV2 = bootedInto(c2 + ".0");
    assertThat(onV2.markBootSuccessful()).isTrue();
    assertThat(onV2.grubEnv().vars()).doesNotContainKey("boot_counter");
    assertThat(onV2.grubEnv().vars()).containsEntry("boot_success", "1");
    assertThat(onV2.markBootSuccessful()).isFalse();

    // ... a new default arms it again; after GRUB's fallback to v2 the agent makes v2 the
    // default again, which disarms (nothing must send GRUB back to the broken v3).
    onV2.deploy(DeployOptions.of("os/v3").withOsname(FakeOs.OS));
    assertThat(onV2.grubEnv().vars()).containsEntry("boot_counter", "3");
    assertThat(onV2.markBootSuccessful()).as("v2 is booted but not the default").isFalse();
    int v2Index =
        onV2.status().stream()
            .filter(st -> st.deployment().csum().equals(c2))
            .findFirst()
            .orElseThrow()
            .index();
    onV2.setDefault(v2Index);
    assertThat(onV2.grubEnv().vars()).doesNotContainKey("boot_counter");
    assertThat(onV2.grubEnv().vars()).containsEntry("boot_success", "1");
    assertGrubAccepts(scriptCheck);
    assertThat(OstreeCli.ostree("admin", "status", "--sysroot=" + root).ok().out())
        .contains(c2 + ".0")
        .contains(c3 + ".0");
    assertThat(c1).isNotEmpty();
  }

  private String linuxOf(String entry) throws IOException {
    return BootEntry.parse(Files.readString(root.resolve("boot/loader/entries/" + entry)))
        .get("linux")
        .orElseThrow();
  }

  private void assertGrubAccepts(Path scriptCheck) {
    OstreeCli.Result r =
        OstreeCli.run(
            List.of(scriptCheck.toString(), root.resolve("boot/loader/grub.cfg").toString()));
    assertThat(r.exit()).as("grub-script-check: %s%s", r.out(), r.err()).isZero();
  }

  private Sysroot notBooted() {
    return Sysroot.builder(root, new OstreeCliTreeSource(root.resolve("ostree/repo")))
        .bootedSource(BootedSource.notBooted(scratch.resolve("no-run")))
        .spaceReserve(SpaceReserve.none())
        .build();
  }

  private Sysroot bootedInto(String dir) throws IOException {
    Files.createDirectories(root.resolve("run"));
    Files.writeString(root.resolve("run/ostree-booted"), "");
    return Sysroot.builder(root, new OstreeCliTreeSource(root.resolve("ostree/repo")))
        .bootedSource(
            new BootedSource(
                root.resolve("run"), () -> "", root.resolve("ostree/deploy/testos/deploy/" + dir)))
        .spaceReserve(SpaceReserve.none())
        .build();
  }
}
