package dev.treewave.ostree.sysroot;

import static dev.treewave.ostree.sysroot.OstreeCli.ostree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.Processes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /etc} merges and stateroots the real {@code ostree admin} handles, against twin sysroots
 * both made by the real {@code ostree admin init-fs} and {@code os-init} (which creates only {@code
 * var/} under the stateroot): the same admin edits on both, then {@code admin deploy} by ostree on
 * one and by ours on the other, and the new deployments' {@code /etc} compared byte for byte (names
 * included, through {@code find}'s raw output read as ISO-8859-1, which maps every byte to one
 * char).
 */
class EtcMergeInteropIT {

  /** {@code bad\xff.conf}: not valid UTF-8, so Java cannot name it through a String. */
  private static final String BAD_NAME_SH = "$(printf 'bad\\377.conf')";

  private static final String BAD_NAME_LATIN1 = "bad\u00ff.conf";

  private ScratchDir scratch;
  private Path a;
  private Path b;

  @BeforeEach
  void setUp() throws IOException {
    OstreeCli.ostree();
    scratch = new ScratchDir("etc-merge");
    a = scratch.resolve("a");
    b = scratch.resolve("b");
    for (Path s : List.of(a, b)) {
      Files.createDirectories(s);
      ostree("admin", "init-fs", s.toString()).ok();
      ostree("admin", "os-init", "--sysroot=" + s, FakeOs.OS).ok();
    }
    assertThat(b.resolve("ostree/deploy/testos/deploy")).doesNotExist();
    Path repoA = a.resolve("ostree/repo");
    FakeOs.commit(
        repoA, FakeOs.tree(scratch.resolve("t1"), "1", FakeOs.ETC_V1), "testos/v1", "1.0");
    FakeOs.commit(
        repoA, FakeOs.tree(scratch.resolve("t2"), "2", FakeOs.ETC_V2), "testos/v2", "2.0");
    ostree(
            "--repo=" + b.resolve("ostree/repo"),
            "pull-local",
            repoA.toString(),
            "testos/v1",
            "testos/v2")
        .ok();
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  record Run(int exit, String out, String err) {}

  private static Run ours(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        dev.treewave.ostree.cli.OstreeCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private void both(String... adminArgs) {
    List<String> theirs = new ArrayList<>(List.of("admin", adminArgs[0], "--sysroot=" + a));
    theirs.addAll(List.of(adminArgs).subList(1, adminArgs.length));
    ostree(theirs.toArray(String[]::new)).ok();
    List<String> mine = new ArrayList<>(List.of("admin", adminArgs[0], "--sysroot=" + b));
    mine.addAll(List.of(adminArgs).subList(1, adminArgs.length));
    Run r = ours(mine.toArray(String[]::new));
    assertThat(r.exit()).as("treewave-ostree %s: %s", mine, r.err()).isZero();
  }

  private static Path etcOf(Path sysroot, String ref) {
    String csum =
        ostree("--repo=" + sysroot.resolve("ostree/repo"), "rev-parse", ref).ok().out().strip();
    return sysroot.resolve("ostree/deploy/testos/deploy/" + csum + ".0/etc");
  }

  private static void sh(String script, Path arg) {
    OstreeCli.run(List.of("sh", "-euc", script, "sh", arg.toString())).ok();
  }

  /**
   * Every entry under {@code dir}: type, mode, owner, name bytes, symlink target, and a checksum of
   * each regular file's bytes; raw bytes decoded as ISO-8859-1 so no name can be mangled.
   */
  private static String byteTree(Path dir) {
    String script =
        "cd \"$1\" && find . -mindepth 1 -printf '%y %m %U:%G %P -> %l\\n' | LC_ALL=C sort"
            + " && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r cat | sha256sum";
    try {
      Processes.Result r =
          Processes.check(
              new ProcessBuilder("sh", "-euc", script, "sh", dir.toString())
                  .redirectErrorStream(true),
              Duration.ofMinutes(2));
      return new String(r.stdoutBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aSysrootFromRealOsInitIsDeployable() {
    // os-init made only var/: libostree creates deploy/ on the first deploy, and so do we.
    both("deploy", "--os=testos", "--karg=root=/dev/vda1", "testos/v1");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    assertThat(ours("admin", "status", "--sysroot=" + b).out())
        .isEqualTo(ostree("admin", "status", "--sysroot=" + a).ok().out());
    // an unknown stateroot is still refused, and nothing is written (ostree fails too, but
    // leaves ostree/deploy/nosuch/deploy/CSUM.0 behind)
    var before = SysrootSnapshot.bootState(b);
    Run r = ours("admin", "deploy", "--sysroot=" + b, "--os=nosuch", "testos/v1");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("No such stateroot: nosuch");
    assertThat(b.resolve("ostree/deploy/nosuch")).doesNotExist();
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(before);
    assertThat(ostree("admin", "deploy", "--sysroot=" + a, "--os=nosuch", "testos/v1").exit())
        .isNotZero();
  }

  @Test
  void aDefaultFileTheAdminReplacedByADirectoryArrivesWhole() {
    both("deploy", "--os=testos", "--karg=root=/dev/vda1", "testos/v1");
    for (Path s : List.of(a, b)) {
      sh(
          "rm \"$1/app.conf\" && mkdir -p \"$1/app.conf/d\""
              + " && echo one > \"$1/app.conf/one.conf\" && echo two > \"$1/app.conf/d/two.conf\""
              + " && chmod 0700 \"$1/app.conf/d\" && ln -s one.conf \"$1/app.conf/link\"",
          etcOf(s, "testos/v1"));
    }
    both("deploy", "--os=testos", "testos/v2");
    String theirs = byteTree(etcOf(a, "testos/v2"));
    String mine = byteTree(etcOf(b, "testos/v2"));
    assertThat(mine).isEqualTo(theirs);
    assertThat(mine)
        .contains("d 755 0:0 app.conf -> \n")
        .contains("f 644 0:0 app.conf/one.conf -> \n")
        .contains("d 700 0:0 app.conf/d -> \n")
        .contains("app.conf/d/two.conf -> \n")
        .contains("l 777 0:0 app.conf/link -> one.conf\n")
        .contains("new.conf");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
  }

  @Test
  void aFileNameThatIsNotUtf8IsKeptByteForByte() {
    both("deploy", "--os=testos", "--karg=root=/dev/vda1", "testos/v1");
    for (Path s : List.of(a, b)) {
      sh(
          "printf 'k=\\377\\n' > \"$1/"
              + BAD_NAME_SH
              + "\"" // added at the top
              + " && printf 'x\\n' > \"$1/sub/"
              + BAD_NAME_SH
              + "\"" // added in a default dir
              + " && mkdir \"$1/"
              + BAD_NAME_SH
              + ".d\" && echo y > \"$1/"
              + BAD_NAME_SH
              + ".d/"
              + BAD_NAME_SH
              + "\"" // a whole new directory
              + " && echo edited > \"$1/hostname\"",
          etcOf(s, "testos/v1"));
    }
    both("deploy", "--os=testos", "testos/v2");
    String theirs = byteTree(etcOf(a, "testos/v2"));
    String mine = byteTree(etcOf(b, "testos/v2"));
    assertThat(mine).isEqualTo(theirs);
    assertThat(mine)
        .contains("f 644 0:0 " + BAD_NAME_LATIN1 + " -> \n")
        .contains("f 644 0:0 sub/" + BAD_NAME_LATIN1 + " -> \n")
        .contains("d 755 0:0 " + BAD_NAME_LATIN1 + ".d -> \n")
        .contains(BAD_NAME_LATIN1 + ".d/" + BAD_NAME_LATIN1 + " -> \n")
        .doesNotContain("\u00ef\u00bf\u00bd"); // U+FFFD's UTF-8 bytes: a mangled name
    // the content too, byte for byte
    sh(
        "test \"$(od -An -tx1 \"$1/" + BAD_NAME_SH + "\" | tr -d ' \\n')\" = 6b3dff0a",
        etcOf(b, "testos/v2"));
    // and config-diff lists them instead of skipping them
    Run diff = ours("admin", "config-diff", "--sysroot=" + b);
    assertThat(diff.exit()).as(diff.err()).isZero();
    assertThat(diff.out()).contains("A    bad").contains("M    hostname");
  }
}
