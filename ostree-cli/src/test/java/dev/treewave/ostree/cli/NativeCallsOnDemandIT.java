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
 * Loading the native calls (JNA) costs a short command about 0.1 s of CPU, so a checkout loads them
 * only for what the JDK cannot do. A checkout of ordinary files, directories and symlinks does
 * without them and gives what the real ostree's checkout gives; a symlink whose target the JDK
 * would rewrite (a doubled slash) loads them and keeps the target as it is.
 */
class NativeCallsOnDemandIT {
  static final Path LAUNCHER = LauncherIT.LAUNCHER;

  @TempDir Path tmp;

  @Test
  void checkoutsLoadTheNativeCallsOnlyWhenTheJdkCannotDoTheWork() throws Exception {
    Path tree = tmp.resolve("tree");
    sh(
        String.join(
            "\n",
            "set -e",
            "mkdir -p \"$1/usr/bin\" \"$1/etc/private\" \"$1/var/tmp\" \"$1/empty\" && cd \"$1\"",
            "printf 'x\\n' > usr/bin/tool && chmod 0755 usr/bin/tool",
            "printf 's\\n' > etc/private/secret && chmod 0600 etc/private/secret",
            "chmod 0700 etc/private && chmod 01777 var/tmp && chmod 0555 empty",
            "ln -s usr/bin/tool link && ln -s ../nowhere dangling && ln -s /etc/passwd abs"),
        tree);
    boolean root = Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0);
    if (root) {
      sh("chown 1000:100 \"$1/etc/private\" \"$1/etc/private/secret\"", tree);
    }
    List<String[]> checkouts = new ArrayList<>();
    checkouts.add(new String[] {"archive", "-U"});
    if (root) {
      checkouts.add(new String[] {"bare", null}); // hard links, owners and modes as committed
    }
    for (String[] c : checkouts) {
      Path repo = tmp.resolve(c[0]);
      ostree("init", "--repo=" + repo, "--mode=" + c[0]);
      ostree("commit", "--repo=" + repo, "-b", "plain", "--tree=dir=" + tree, "-s", "x");
      Path ours = tmp.resolve("ours-" + c[0]);
      Path theirs = tmp.resolve("theirs-" + c[0]);
      Path classes = tmp.resolve("classes-" + c[0]);
      ours(classes, checkoutArgs(repo, c[1], "plain", ours));
      ostree(checkoutArgs(repo, c[1], "plain", theirs));
      assertThat(Files.readString(classes))
          .as("classes loaded by the %s checkout", c[0])
          .doesNotContain("com.sun.jna.Native ");
      assertThat(listing(ours)).as("from %s", c[0]).isEqualTo(listing(theirs));
    }

    // ln -s folds nothing: the target keeps its doubled slash, which Java's Path would fold
    sh("ln -s ./usr//bin/tool \"$1/doubled\"", tree);
    Path repo = tmp.resolve("archive");
    ostree("commit", "--repo=" + repo, "-b", "doubled", "--tree=dir=" + tree, "-s", "y");
    Path ours = tmp.resolve("ours-doubled");
    Path classes = tmp.resolve("classes-doubled");
    ours(classes, checkoutArgs(repo, "-U", "doubled", ours));
    assertThat(Files.readString(classes)).contains("com.sun.jna.Native ");
    assertThat(sh("readlink \"$1/doubled\"", ours)).isEqualTo("./usr//bin/tool\n");
  }

  private static String[] checkoutArgs(Path repo, String userFlag, String ref, Path dest) {
    List<String> a = new ArrayList<>(List.of("checkout", "--repo=" + repo));
    if (userFlag != null) {
      a.add(userFlag);
    }
    a.add(ref);
    a.add(dest.toString());
    return a.toArray(String[]::new);
  }

  /**
   * Every entry: path, type, mode, owner, symlink target; and every directory's mtime, which both
   * set to the epoch after writing the directory's contents.
   */
  private static String listing(Path root) throws Exception {
    return sh(
        "cd \"$1\" && find . -printf '%p %y %m %U:%G %l\\n' | sort"
            + " && find . -type d -printf '%p %T@\\n' | sort",
        root);
  }

  private void ours(Path classLog, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    // replaces the launcher's JVM options: no class-data sharing, so every class is logged
    pb.environment().put("TREEWAVE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
    Processes.Result r = Processes.run(pb, Duration.ofMinutes(5));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  private static void ostree(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ostree"));
    cmd.addAll(List.of(args));
    Processes.Result r = Processes.run(new ProcessBuilder(cmd), Duration.ofMinutes(5));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  private static String sh(String script, Path arg) throws IOException, InterruptedException {
    Processes.Result r =
        Processes.run(
            new ProcessBuilder("sh", "-c", script, "sh", arg.toString()), Duration.ofMinutes(1));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout();
  }
}
