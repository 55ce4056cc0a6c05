package dev.treewave.ostree.commit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.pull.Cli;
import dev.treewave.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM that embeds the library (no launcher) without a UTF-8 locale ({@code LC_ALL=C}: Java's
 * {@code sun.jnu.encoding} is then ASCII) commits and checks out UTF-8 names byte for byte, as the
 * real ostree does: names outside Latin-1, a 4-byte character, a directory, symlinks with such
 * targets. The tree is written by the shell from octal escapes, so no JVM's locale touches it.
 */
class Utf8NamesWithoutLocaleIT {
  private static final long TIMESTAMP = 1577836800L; // 2020-01-01T00:00:00Z

  @TempDir Path tmp;

  /**
   * bare-user keeps symlinks as files and is checked out in user mode; bare stores them as real
   * symlinks (whose targets must keep their bytes too) and is checked out by hard links, as root.
   */
  @ParameterizedTest
  @ValueSource(strings = {"bare-user", "bare"})
  void aJvmWithoutAUtf8LocaleCommitsAndChecksOutUtf8NamesAsOstree(String mode) throws Exception {
    boolean bare = mode.equals("bare");
    if (bare) {
      assertThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
          .as("a bare repository keeps owners: run as root")
          .isEqualTo(0);
    }
    String cert = "F\u0151tan\u00fas\u00edtv\u00e1ny.crt";
    String greek = "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac";
    String japanese = "\u65e5\u672c\u8a9e.txt";
    Path tree = tmp.resolve("tree");
    sh(
        String.join(
            "\n",
            "set -e",
            "mkdir \"$1\" && cd \"$1\"",
            "printf 'cert\\n' > " + bytes(cert),
            "printf 'plain\\n' > plain.txt",
            "printf 'tree\\n' > " + bytes("\ud83c\udf33.conf"),
            "mkdir " + bytes(greek),
            "printf 'ja\\n' > " + bytes(greek + "/" + japanese),
            "ln -s "
                + bytes("../" + cert)
                + " "
                + bytes(greek + "/\u03c3\u03cd\u03bd\u03b4\u03b5\u03c3\u03bc\u03bf\u03c2"),
            "ln -s " + bytes(greek + "/" + japanese) + " ascii-link"),
        tree);
    // One repository each, as the branch name is part of the commit (ostree.ref-binding).
    Path repo = tmp.resolve("ours");
    Path theirRepo = tmp.resolve("theirs");
    Cli.ostree("init", "--repo=" + repo, "--mode=" + mode).ok();
    Cli.ostree("init", "--repo=" + theirRepo, "--mode=" + mode).ok();

    List<String> ours = ok(child("commit", repo.toString(), tree.toString(), "b", "" + TIMESTAMP));
    assertThat(ours.get(0))
        .as("the child JVM's file-name encoding")
        .isNotEqualToIgnoringCase("UTF-8");
    // the same commit: every name byte for byte
    assertThat(ours.get(1)).isEqualTo(ostreeCommit(theirRepo, tree));
    Cli.ostree("fsck", "--repo=" + repo).ok();
    ok(child("fsck", repo.toString()));

    Path coOurs = tmp.resolve("co-ours");
    Path coTheirs = tmp.resolve("co-theirs");
    ok(child("checkout", repo.toString(), "b", coOurs.toString(), bare ? "root" : "user"));
    if (bare) {
      Cli.ostree("checkout", "--repo=" + repo, "b", coTheirs.toString()).ok();
    } else {
      Cli.ostree("checkout", "--repo=" + repo, "-U", "b", coTheirs.toString()).ok();
    }
    byte[] listing = listing(coOurs);
    assertThat(listing).isEqualTo(listing(coTheirs)).isEqualTo(listing(tree));
    assertThat(new String(listing, StandardCharsets.UTF_8))
        .contains("./" + cert + "\tf\t\t")
        .contains("./" + greek + "/" + japanese + "\tf\t\t")
        .contains("\tl\t../" + cert + "\t")
        .contains("./\ud83c\udf33.conf\tf");
    // names, types and targets are equal above; contents too, symlinks compared as links
    Processes.check(
        new ProcessBuilder(
            "diff", "-r", "--no-dereference", coOurs.toString(), coTheirs.toString()),
        Duration.ofMinutes(1));
  }

  /**
   * A symlink's target is a string, not a path: libostree commits what readlink returns, so a
   * trailing or doubled slash changes the checksum. The JDK's {@code Path} folds both, in either
   * locale; the targets must survive commit, fsck and checkout as they are.
   */
  @ParameterizedTest
  @CsvSource({"bare-user, C", "bare-user, C.UTF-8", "bare, C", "bare, C.UTF-8"})
  void symlinkTargetsKeepDoubledAndTrailingSlashesInEitherLocale(String mode, String locale)
      throws Exception {
    boolean bare = mode.equals("bare");
    if (bare) {
      assertThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
          .as("a bare repository keeps owners: run as root")
          .isEqualTo(0);
    }
    Path tree = tmp.resolve("tree");
    sh(
        String.join(
            "\n",
            "set -e",
            "mkdir -p \"$1/lib\" && cd \"$1\"",
            "printf 'x\\n' > lib/x",
            "ln -s lib/ trailing",
            "ln -s ./lib//x doubled",
            "ln -s //usr///lib/ absolute",
            "ln -s ../ up",
            "ln -s " + bytes("lib//\u00e9t\u00e9/") + " non-ascii"),
        tree);
    Path repo = tmp.resolve("ours");
    Path theirRepo = tmp.resolve("theirs");
    Cli.ostree("init", "--repo=" + repo, "--mode=" + mode).ok();
    Cli.ostree("init", "--repo=" + theirRepo, "--mode=" + mode).ok();

    List<String> ours =
        ok(childIn(locale, "commit", repo.toString(), tree.toString(), "b", "" + TIMESTAMP));
    assertThat(ours.get(0).equalsIgnoreCase("UTF-8"))
        .as("the child JVM's file-name encoding: " + ours.get(0))
        .isEqualTo(locale.endsWith("UTF-8"));
    assertThat(ours.get(1)).isEqualTo(ostreeCommit(theirRepo, tree));
    Cli.ostree("fsck", "--repo=" + repo).ok();
    ok(childIn(locale, "fsck", repo.toString()));

    Path co = tmp.resolve("co");
    ok(childIn(locale, "checkout", repo.toString(), "b", co.toString(), bare ? "root" : "user"));
    assertThat(new String(listing(co), StandardCharsets.UTF_8))
        .contains("./trailing\tl\tlib/\t")
        .contains("./doubled\tl\t./lib//x\t")
        .contains("./absolute\tl\t//usr///lib/\t")
        .contains("./up\tl\t../\t")
        .contains("./non-ascii\tl\tlib//\u00e9t\u00e9/\t");
    assertThat(listing(co)).isEqualTo(listing(tree));
  }

  @Test
  void withoutAUtf8LocaleANameThatIsNotUtf8IsStillRefusedAsOstreeRefusesIt() throws Exception {
    Path tree = tmp.resolve("tree");
    sh("mkdir \"$1\" && printf 'x\\n' > \"$1/$(printf 'bad\\377.conf')\"", tree);
    Path repo = tmp.resolve("ours");
    Cli.ostree("init", "--repo=" + repo, "--mode=bare-user").ok();
    Processes.Result r = run(child("commit", repo.toString(), tree.toString(), "b", "0"));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).startsWith("Invalid UTF-8 in filename /bad").hasLineCount(1);
    assertThat(Cli.ostree("refs", "--repo=" + repo).ok().out()).isEmpty();
  }

  /** The real ostree's commit of {@code tree} to branch b, with the child's subject and time. */
  private static String ostreeCommit(Path repo, Path tree) {
    Cli.ostree(
            "commit",
            "--repo=" + repo,
            "-b",
            "b",
            "-s",
            "names",
            "--timestamp=@" + TIMESTAMP,
            "--tree=dir=" + tree)
        .ok();
    return Cli.ostree("rev-parse", "--repo=" + repo, "b").ok().out().strip();
  }

  /** Every entry's path, type, symlink target and mode, as raw bytes, in byte order. */
  private static byte[] listing(Path dir) throws IOException {
    return sh("cd \"$1\" && find . -printf '%p\\t%y\\t%l\\t%m\\0' | LC_ALL=C sort -z", dir)
        .stdoutBytes();
  }

  /** The shell word for {@code name}'s UTF-8 bytes, written only with ASCII (octal escapes). */
  private static String bytes(String name) {
    StringBuilder s = new StringBuilder("\"$(printf '");
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      s.append(String.format("\\%03o", b & 0xff));
    }
    return s.append("')\"").toString();
  }

  private static Processes.Result sh(String script, Path arg) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", script, "sh", arg.toString());
    return Processes.check(pb, Duration.ofMinutes(1));
  }

  /** Runs {@link Utf8NamesChild} in a JVM with the C locale; its stdout lines. */
  private static List<String> ok(ProcessBuilder child) throws IOException {
    Processes.Result r = run(child);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout().lines().toList();
  }

  private static Processes.Result run(ProcessBuilder child) throws IOException {
    return Processes.run(child, Duration.ofMinutes(5));
  }

  /** {@link Utf8NamesChild} in a JVM with the C locale (LANG and every LC_ unset but LC_ALL=C). */
  private static ProcessBuilder child(String... args) {
    return childIn("C", args);
  }

  /** {@link Utf8NamesChild} with LANG and every LC_ unset but LC_ALL={@code locale}. */
  private static ProcessBuilder childIn(String locale, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add(Utf8NamesChild.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().put("LC_ALL", locale);
    return pb;
  }
}
