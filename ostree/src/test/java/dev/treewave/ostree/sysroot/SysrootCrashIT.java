package dev.treewave.ostree.sysroot;

import static dev.treewave.ostree.sysroot.OstreeCli.ostree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash consistency: every sysroot operation is interrupted at each of its filesystem steps in turn
 * (the step and all later ones fail, as if the process died). After every interruption the sysroot
 * must pass the real {@code ostree fsck} and {@code ostree admin status}, and {@code boot/loader}
 * must hold a complete set of entries for exactly the old or exactly the new deployment list; a
 * following {@code cleanup} must leave no unreferenced deployment behind.
 */
class SysrootCrashIT {

  private static ScratchDir scratch;
  private static Path commitsRepo;
  private static final Map<String, Integer> POINTS = new LinkedHashMap<>();

  @BeforeAll
  static void commits() throws IOException {
    OstreeCli.ostree();
    scratch = new ScratchDir("sysroot-crash");
    commitsRepo = scratch.resolve("commits");
    ostree("init", "--repo=" + commitsRepo, "--mode=bare").ok();
    FakeOs.commit(
        commitsRepo, FakeOs.tree(scratch.resolve("t1"), "1", FakeOs.ETC_V1), "testos/v1", "1.0");
    FakeOs.commit(
        commitsRepo, FakeOs.tree(scratch.resolve("t2"), "2", FakeOs.ETC_V2), "testos/v2", "2.0");
    FakeOs.commit(
        commitsRepo, FakeOs.tree(scratch.resolve("t3"), "3", FakeOs.ETC_V2), "testos/v3", "3.0");
  }

  @AfterAll
  static void report() {
    int total = POINTS.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("SysrootCrashIT interruption points: " + POINTS + " total " + total);
    scratch.close();
  }

  /** An operation under test, run against a sysroot built on the given filesystem port. */
  interface Op {
    void run(Sysroot sysroot) throws IOException;
  }

  // ------------------------------------------------------------------ scenarios

  @Test
  void deployIsAtomicAtEveryStep() throws IOException {
    Path base = baseWithTwo("deploy");
    int n =
        interruptEverywhere(
            "deploy",
            base,
            false,
            s ->
                s.deploy(
                    DeployOptions.of("testos/v3")
                        .withOsname(FakeOs.OS)
                        .withKargs(List.of(), List.of("quiet"), List.of())));
    assertThat(n).isGreaterThan(20);
  }

  @Test
  void deployWithGrubIsAtomicAtEveryStep() throws IOException {
    // With the GRUB backend, loader.N also holds grub.cfg and the armed grubenv: after any crash
    // GRUB's menu is the same list as the BLS entries, armed exactly when the new list is active.
    Path base = baseWithTwo("deploy-grub", true);
    int n =
        interruptEverywhere(
            "deploy (grub)",
            base,
            false,
            s -> s.deploy(DeployOptions.of("testos/v3").withOsname(FakeOs.OS)));
    assertThat(n).isGreaterThan(20);
  }

  @Test
  void stageAndFinalizeAreAtomicAtEveryStep() throws IOException {
    Path base = baseWithTwo("stage");
    Files.createDirectories(base.resolve("run"));
    Files.writeString(base.resolve("run/ostree-booted"), "");
    int n =
        interruptEverywhere(
            "stage+finalize",
            base,
            true,
            s -> {
              s.deploy(DeployOptions.of("testos/v3").withStage(true));
              assertThat(s.status().get(0).staged()).isTrue();
              assertThat(s.finalizeStaged()).isTrue();
            });
    assertThat(n).isGreaterThan(20);
  }

  @Test
  void cleanupIsSafeAtEveryStep() throws IOException {
    Path base = baseWithTwo("cleanup");
    SysrootState st = sysroot(base, new LocalSysrootFs(), false).state();
    Deployment v1 = st.deployments().get(1);
    Path deploy = base.resolve("ostree/deploy/testos/deploy");
    // Garbage an interrupted run could leave: an unreferenced (sealed) deployment, the other
    // boot version's directories, a stale kernel directory, stale deployment refs.
    OstreeCli.run(
            List.of(
                "cp",
                "-a",
                deploy.resolve(v1.dirName()).toString(),
                deploy.resolve(v1.csum() + ".7").toString()))
        .ok();
    Files.copy(deploy.resolve(v1.dirName() + ".origin"), deploy.resolve(v1.csum() + ".7.origin"));
    OstreeCli.run(List.of("chattr", "+i", deploy.resolve(v1.csum() + ".7").toString())).ok();
    int other = 1 - st.bootversion();
    Files.createDirectories(base.resolve("boot/loader." + other + "/entries"));
    Files.writeString(base.resolve("boot/loader." + other + "/entries/ostree-1-testos.conf"), "x");
    Files.createDirectories(base.resolve("ostree/boot." + other + ".1/testos"));
    Files.createSymbolicLink(base.resolve("ostree/boot." + other), Path.of("boot." + other + ".1"));
    Files.createDirectories(base.resolve("boot/ostree/testos-" + "0".repeat(64)));
    Files.writeString(base.resolve("boot/ostree/testos-" + "0".repeat(64) + "/vmlinuz-x"), "k");
    Files.createDirectories(base.resolve("ostree/repo/refs/heads/ostree/9/9"));
    Files.writeString(base.resolve("ostree/repo/refs/heads/ostree/9/9/0"), v1.csum() + "\n");
    int n = interruptEverywhere("cleanup", base, false, Sysroot::cleanup);
    assertThat(n).isGreaterThanOrEqualTo(5);
  }

  @Test
  void bootlinkOnlyRollbackIsAtomicAtEveryStep() throws IOException {
    Path base = newSysroot("rollback");
    Sysroot s = sysroot(base, new LocalSysrootFs(), false);
    s.deploy(DeployOptions.of("testos/v3").withOsname(FakeOs.OS));
    s.deploy(DeployOptions.of("testos/v3").withOsname(FakeOs.OS));
    int before = s.state().bootversion();
    int n = interruptEverywhere("rollback (bootlinks only)", base, false, Sysroot::rollback);
    assertThat(n).isGreaterThan(3);
    // Same kernel, kargs and version at each position: the BLS entries were not rewritten.
    Path done = completePath("rollback (bootlinks only)");
    assertThat(sysroot(done, new LocalSysrootFs(), false).state().bootversion()).isEqualTo(before);
  }

  @Test
  void undeployIsAtomicAtEveryStep() throws IOException {
    Path base = baseWithTwo("undeploy");
    int n = interruptEverywhere("undeploy", base, false, s -> s.undeploy(0));
    assertThat(n).isGreaterThan(10);
  }

  @Test
  void atLeastFiftyPointsInAll() throws IOException {
    // Runs last by name order is not guaranteed; count this scenario's own points plus a kargs
    // edit so the total asserted here does not depend on test order.
    Path base = baseWithTwo("kargs");
    int kargs =
        interruptEverywhere(
            "kargs edit",
            base,
            false,
            s -> s.setKargs(1, KernelArgs.parse("root=/dev/vda2 console=ttyS0")));
    Path deployBase = baseWithTwo("deploy-again");
    int deploy =
        interruptEverywhere(
            "deploy --retain",
            deployBase,
            false,
            s ->
                s.deploy(
                    DeployOptions.of("testos/v3")
                        .withOsname(FakeOs.OS)
                        .withRetain(true, false, false)));
    assertThat(kargs + deploy).isGreaterThanOrEqualTo(50);
  }

  // ------------------------------------------------------------------ machinery

  private static Path newSysroot(String name) throws IOException {
    Path root = scratch.resolve(name + "-base");
    Sysroot.initFs(root, new LocalSysrootFs());
    ostree("--repo=" + root.resolve("ostree/repo"), "pull-local", commitsRepo.toString()).ok();
    sysroot(root, new LocalSysrootFs(), false).osInit(FakeOs.OS);
    return root;
  }

  /** [v2, v1] with admin changes in v1's /etc that v2 inherited. */
  private static Path baseWithTwo(String name) throws IOException {
    return baseWithTwo(name, false);
  }

  /** As above; with {@code grub}, GRUB's config is libostree's symlink into boot/loader. */
  private static Path baseWithTwo(String name, boolean grub) throws IOException {
    Path root = newSysroot(name);
    if (grub) {
      Files.createDirectories(root.resolve("boot/grub"));
      Files.createSymbolicLink(root.resolve("boot/grub/grub.cfg"), Path.of("../loader/grub.cfg"));
    }
    Sysroot s = sysroot(root, new LocalSysrootFs(), false);
    s.deploy(
        DeployOptions.of("testos/v1")
            .withOsname(FakeOs.OS)
            .withKargs(List.of("root=/dev/vda1", "rw"), List.of(), List.of()));
    Path etc =
        root.resolve(
            "ostree/deploy/testos/deploy/" + s.state().deployments().get(0).dirName() + "/etc");
    Files.writeString(etc.resolve("hostname"), "node-1\n");
    Files.writeString(etc.resolve("local.conf"), "x=1\n");
    s.deploy(DeployOptions.of("testos/v2").withOsname(FakeOs.OS));
    return root;
  }

  private static Sysroot sysroot(Path root, SysrootFs fs, boolean booted) {
    TreeSource tree = new OstreeCliTreeSource(root.resolve("ostree/repo"));
    if (fs instanceof FaultInjectingFs f) {
      tree = f.wrap(tree);
    }
    BootedSource source = BootedSource.notBooted(root.resolve("run"));
    if (booted) {
      // "Booted" into the default deployment of the base sysroot.
      Path bootedDir;
      try {
        bootedDir =
            root.resolve(
                "ostree/deploy/testos/deploy/"
                    + Files.readString(root.resolve("booted-deployment")).strip());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      source = new BootedSource(root.resolve("run"), () -> "", bootedDir);
    }
    return Sysroot.builder(root, tree)
        .fs(fs)
        .bootedSource(source)
        .spaceReserve(SpaceReserve.none())
        .build();
  }

  /**
   * Runs {@code op} once to completion (old and new list, number of steps), then once per step with
   * a crash injected there, checking the sysroot after each.
   *
   * @return the number of interruption points tried
   */
  private static int interruptEverywhere(String name, Path base, boolean booted, Op op)
      throws IOException {
    if (booted) {
      String dir =
          sysroot(base, new LocalSysrootFs(), false).state().deployments().get(0).dirName();
      Files.writeString(base.resolve("booted-deployment"), dir);
    }
    List<String> oldList = ostreeStatusList(base);
    Path complete = completePath(name);
    copy(base, complete);
    FaultInjectingFs counting = new FaultInjectingFs(new LocalSysrootFs(), 0);
    op.run(sysroot(complete, counting, booted));
    List<String> newList = ostreeStatusList(complete);
    int steps = counting.steps();
    assertThat(steps).as(name + " steps").isPositive();
    for (int k = 1; k <= steps; k++) {
      Path work = scratch.resolve("work");
      copy(base, work);
      FaultInjectingFs faulty = new FaultInjectingFs(new LocalSysrootFs(), k);
      int point = k;
      assertThatThrownBy(() -> op.run(sysroot(work, faulty, booted)))
          .as("%s at step %d", name, point)
          .hasStackTraceContaining("injected crash at step " + k);
      String where = name + " interrupted at step " + k + " (" + faulty.log.get(k - 1) + ")";
      assertBootable(work, oldList, newList, booted, where);
      // Recovery: cleanup after the crash leaves only referenced deployments.
      Sysroot recovered = sysroot(work, new LocalSysrootFs(), booted);
      recovered.cleanup();
      assertBootable(work, oldList, newList, booted, where + ", then cleanup");
      // Only what the boot configuration or a still-recorded staged deployment uses remains.
      List<String> referenced =
          recovered.state().withStaged().stream().map(Deployment::dirName).toList();
      assertThat(deploymentDirs(work)).as(where).containsExactlyInAnyOrderElementsOf(referenced);
      scratch(work);
    }
    POINTS.put(name, steps);
    return steps;
  }

  /** The three checks; returns the list found (old or new). */
  private static List<String> assertBootable(
      Path work, List<String> oldList, List<String> newList, boolean booted, String where)
      throws IOException {
    ostree("fsck", "--repo=" + work.resolve("ostree/repo")).ok();
    List<String> status = ostreeStatusList(work);
    assertThat(status).as(where + ": ostree admin status").isIn(oldList, newList);
    List<String> entries = loaderEntries(work);
    assertThat(entries).as(where + ": boot/loader entries").isEqualTo(status);
    List<String> ours =
        sysroot(work, new LocalSysrootFs(), booted).state().deployments().stream()
            .map(Deployment::dirName)
            .toList();
    assertThat(ours).as(where + ": our loader").isEqualTo(status);
    if (Files.isSymbolicLink(work.resolve("boot/grub/grub.cfg"))) {
      assertGrubMatches(work, status, oldList, newList, where);
    }
    return status;
  }

  private static final Pattern GRUB_LINUX = Pattern.compile("(?m)^  linux '/boot([^']+)'");

  /**
   * GRUB's menu (what {@code boot/grub/grub.cfg} resolves to) boots the kernels of the BLS entries
   * in the same order, and its environment block is whole and armed (nothing is booted here, so
   * every list written got a new default).
   */
  private static void assertGrubMatches(
      Path work, List<String> status, List<String> oldList, List<String> newList, String where)
      throws IOException {
    String cfg = Files.readString(work.resolve("boot/grub/grub.cfg"));
    List<String> menu = new ArrayList<>();
    Matcher m = GRUB_LINUX.matcher(cfg);
    while (m.find()) {
      menu.add(m.group(1));
    }
    List<String> bls = new ArrayList<>();
    try (var s = Files.list(work.resolve("boot/loader/entries"))) {
      s.map(
              p -> {
                try {
                  return BootEntry.parse(Files.readString(p));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sorted(
              Comparator.comparingInt(
                      (BootEntry e) -> Integer.parseInt(e.get("version").orElseThrow()))
                  .reversed())
          .forEach(e -> bls.add(e.get("linux").orElseThrow()));
    }
    assertThat(menu).as(where + ": grub.cfg kernels").isEqualTo(bls);
    GrubEnv env = GrubEnv.parse(Files.readAllBytes(work.resolve("boot/loader/grubenv")));
    assertThat(env.get("boot_counter")).as(where + ": grubenv armed").contains("3");
    assertThat(cfg)
        .as(where)
        .contains(
            "set tw_env=/boot/" + Files.readSymbolicLink(work.resolve("boot/loader")) + "/grubenv");
  }

  private static final Pattern STATUS_LINE =
      Pattern.compile("^[ *] testos ([0-9a-f]{64}\\.\\d+).*");

  private static List<String> ostreeStatusList(Path root) {
    List<String> out = new ArrayList<>();
    for (String line : ostree("admin", "status", "--sysroot=" + root).ok().out().split("\n")) {
      Matcher m = STATUS_LINE.matcher(line);
      if (m.matches()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /**
   * An independent reading of {@code boot/loader}: every entry's kernel and initramfs exist, its
   * {@code ostree=} link resolves to a deployment with a kernel; ordered by version.
   */
  private static List<String> loaderEntries(Path root) throws IOException {
    Path entries = root.resolve("boot/loader/entries");
    record E(int version, String dir) {}
    List<E> found = new ArrayList<>();
    try (var s = Files.list(entries)) {
      for (Path p : s.toList()) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          int sp = line.indexOf(' ');
          kv.put(line.substring(0, sp), line.substring(sp + 1));
        }
        assertThat(root.resolve("boot" + kv.get("linux"))).as(p + " linux").isRegularFile();
        assertThat(root.resolve("boot" + kv.get("initrd"))).as(p + " initrd").isRegularFile();
        String ostreeArg =
            List.of(kv.get("options").split(" ")).stream()
                .filter(a -> a.startsWith("ostree="))
                .findFirst()
                .orElseThrow()
                .substring("ostree=/".length());
        Path deployment = root.resolve(ostreeArg).toRealPath();
        assertThat(deployment.resolve("usr/lib/modules")).isDirectory();
        assertThat(deployment.resolve("etc")).isDirectory();
        found.add(new E(Integer.parseInt(kv.get("version")), deployment.getFileName().toString()));
      }
    }
    found.sort(Comparator.comparingInt(E::version).reversed());
    return found.stream().map(E::dir).toList();
  }

  private static List<String> deploymentDirs(Path root) throws IOException {
    try (var s = Files.list(root.resolve("ostree/deploy/testos/deploy"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".origin")).toList();
    }
  }

  private static Path completePath(String scenario) {
    return scratch.resolve(scenario.replaceAll("[^a-z]+", "-") + "complete");
  }

  private static void copy(Path from, Path to) {
    scratch(to);
    OstreeCli.run(List.of("cp", "-a", from.toString(), to.toString())).ok();
  }

  private static void scratch(Path dir) {
    OstreeCli.run(List.of("chattr", "-R", "-f", "-i", dir.toString()));
    OstreeCli.run(List.of("rm", "-rf", dir.toString()));
  }
}
