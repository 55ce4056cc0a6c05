package dev.treewave.ostree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/treewave-ostree} on the packaged jar: it builds its class-data-sharing archive on
 * first use, and whether the archive is missing, fresh or garbage, stdout carries only the
 * command's output and the exit code is the command's.
 */
class LauncherIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path LAUNCHER = ROOT.resolve("bin/treewave-ostree");
  static final Path JSA = ROOT.resolve("ostree-cli/target/treewave-ostree.jsa");

  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("TREEWAVE_JAVA_OPTS");
    Processes.Result r = Processes.run(pb, Duration.ofMinutes(5));
    return new Result(r.exitCode(), r.stdout(), r.stderr());
  }

  @Test
  void buildsItsArchiveAndKeepsStdoutCleanWithOrWithoutIt() throws Exception {
    Path repo = tmp.resolve("repo");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("f"), "x");
    Files.deleteIfExists(JSA);

    assertThat(run("init", "--repo=" + repo, "--mode=bare-user").code()).isZero();
    assertThat(JSA).isNotEmptyFile(); // built by the first run
    // and JNA's native library unpacked once, for jna.boot.library.path
    assertThat(ROOT.resolve("ostree-cli/target/jna/libjnidispatch.so")).isNotEmptyFile();
    Result commit = run("commit", "--repo=" + repo, "-b", "b", "--tree=dir=" + tree);
    assertThat(commit.code()).as(commit.err()).isZero();
    String id = commit.out().strip();
    assertThat(id).matches("[0-9a-f]{64}");

    Result withArchive = run("rev-parse", "--repo=" + repo, "b");
    assertThat(withArchive.out()).isEqualTo(id + "\n");
    assertThat(withArchive.err()).isEmpty();

    Result checkout = run("checkout", "--repo=" + repo, "-U", "b", tmp.resolve("co").toString());
    assertThat(checkout.code()).as(checkout.err()).isZero();
    assertThat(checkout.out()).isEmpty();
    assertThat(tmp.resolve("co/f")).hasContent("x");

    Files.write(JSA, new byte[4096]); // garbage archive, newer than the jar: used, rejected
    Result garbage = run("rev-parse", "--repo=" + repo, "b");
    assertThat(garbage.out()).isEqualTo(id + "\n");
    assertThat(garbage.err()).isEmpty();

    Result missing = run("rev-parse", "--repo=" + repo, "nope");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err()).startsWith("error: ").hasLineCount(1);
    Files.deleteIfExists(JSA);
  }

  /** The JVM flags the launcher picks, seen through a stand-in {@code java} that prints them. */
  String flagsFor(String... args) throws IOException, InterruptedException {
    Path bin = Files.createDirectories(tmp.resolve("fake-bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    java.toFile().setExecutable(true);
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("TREEWAVE_JAVA_OPTS");
    pb.environment().put("TREEWAVE_CDS", "0");
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    return Processes.run(pb, Duration.ofMinutes(1)).stdout();
  }

  @Test
  void picksJitAndHeapFlagsPerCommand() throws Exception {
    String hotLoopsOnly = "-XX:Tier4InvocationThreshold=500000";
    assertThat(flagsFor("static-delta", "generate", "--repo=r", "--to=t"))
        .contains("-Xmx64m", hotLoopsOnly)
        .doesNotContain("TieredStopAtLevel");
    assertThat(flagsFor("static-delta", "--repo=r", "generate", "--to=t")).contains("-Xmx64m");
    // SHA-256 is the one thing compiled by C2 at once; "quiet" must precede it (stdout stays clean)
    String shaEarly = "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.*::*,0.01";
    assertThat(flagsFor("commit", "--repo=r", "-b", "b"))
        .contains(hotLoopsOnly, shaEarly)
        .containsSubsequence("-XX:CompileCommand=quiet", shaEarly);
    assertThat(flagsFor("pull", "--repo=r", "origin", "b")).contains(hotLoopsOnly);
    assertThat(flagsFor("checkout", "--repo=r", "-U", "b", "co"))
        .contains("-XX:TieredStopAtLevel=1", "-XX:Tier3InvocationThreshold=50", "-Xmn8m")
        .doesNotContain("-Xmx64m", hotLoopsOnly);
    assertThat(flagsFor("log", "--repo=r", "b"))
        .contains("-XX:TieredStopAtLevel=1")
        .doesNotContain("Tier3InvocationThreshold", hotLoopsOnly);
    assertThat(flagsFor("static-delta", "list", "--repo=r")).doesNotContain("-Xmx64m");
  }

  /** With its archive, a command loads JNA's native library from the copy the launcher made. */
  @Test
  void loadsJnasNativeLibraryFromItsOwnCopy() throws Exception {
    Path repo = tmp.resolve("repo");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("f"), "x");
    assertThat(run("init", "--repo=" + repo, "--mode=bare-user").code()).isZero();
    assertThat(run("commit", "--repo=" + repo, "-b", "b", "--tree=dir=" + tree).code()).isZero();
    Path trace = tmp.resolve("trace");
    ProcessBuilder pb =
        new ProcessBuilder(
            "strace",
            "-f",
            "-e",
            "trace=openat",
            "-o",
            trace.toString(),
            LAUNCHER.toString(),
            "fsck",
            "--repo=" + repo);
    pb.environment().remove("TREEWAVE_JAVA_OPTS");
    Processes.Result r = Processes.run(pb, Duration.ofMinutes(5));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(Files.readString(trace))
        .contains("ostree-cli/target/jna/libjnidispatch.so")
        .doesNotContainPattern("jna[0-9]+\\.tmp");
  }

  /**
   * Java writes file names in sun.jnu.encoding, which comes from the locale: a container or a
   * systemd unit without LANG gets ASCII. The launcher gives the JVM a UTF-8 locale, so without any
   * locale a UTF-8 name is committed and checked out byte for byte, as the real ostree does it. A
   * JVM started without the launcher and without a UTF-8 locale checks it out byte for byte as
   * well: the library then converts names itself ({@code FileNames}) instead of through the locale.
   */
  @Test
  void withoutALocaleUtf8NamesWorkAsInOstreeWithOrWithoutTheLauncher() throws Exception {
    String name = "F\u0151tan\u00fas\u00edtv\u00e1ny.crt";
    Path repo = tmp.resolve("repo");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve(name), "x");
    assertThat(
            withoutLocale(LAUNCHER.toString(), "init", "--repo=" + repo, "--mode=bare-user")
                .exitCode())
        .isZero();
    Processes.Result ours =
        withoutLocale(
            LAUNCHER.toString(), "commit", "--repo=" + repo, "-b", "ours", "--tree=dir=" + tree);
    assertThat(ours.exitCode()).as(ours.stderr()).isZero();
    Processes.Result theirs =
        withoutLocale("ostree", "commit", "--repo=" + repo, "-b", "theirs", "--tree=dir=" + tree);
    assertThat(theirs.exitCode()).as(theirs.stderr()).isZero();
    Processes.Result diff = withoutLocale("ostree", "diff", "--repo=" + repo, "ours", "theirs");
    assertThat(diff.exitCode()).as(diff.stderr()).isZero();
    assertThat(diff.stdout()).isEmpty(); // the same tree, names byte for byte

    Processes.Result co =
        withoutLocale(
            LAUNCHER.toString(),
            "checkout",
            "--repo=" + repo,
            "-U",
            "ours",
            tmp.resolve("co").toString());
    assertThat(co.exitCode()).as(co.stderr()).isZero();
    assertThat(tmp.resolve("co").resolve(name)).hasContent("x");

    String jar;
    try (var s = Files.list(ROOT.resolve("ostree-cli/target"))) {
      jar =
          s.map(Path::toString)
              .filter(p -> p.matches(".*/treewave-ostree-cli-[^/]*\\.jar"))
              .filter(p -> !p.endsWith("-sources.jar") && !p.endsWith("-tests.jar"))
              .findFirst()
              .orElseThrow();
    }
    Processes.Result bare =
        withoutLocale(
            "java",
            "-cp",
            jar + ":" + ROOT.resolve("ostree-cli/target/lib") + "/*",
            OstreeCli.class.getName(),
            "checkout",
            "--repo=" + repo,
            "-U",
            "ours",
            tmp.resolve("co2").toString());
    assertThat(bare.exitCode()).as(bare.stderr()).isZero();
    assertThat(tmp.resolve("co2").resolve(name)).hasContent("x");
    try (var s = Files.list(tmp.resolve("co2"))) {
      // compared as the JDK's own paths, which hold the bytes the kernel returned
      assertThat(s.map(Path::getFileName))
          .containsExactly(tmp.resolve("co").resolve(name).getFileName());
    }
  }

  private static Processes.Result withoutLocale(String... cmd)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
    pb.environment().remove("TREEWAVE_JAVA_OPTS");
    return Processes.run(pb, Duration.ofMinutes(5));
  }
}
