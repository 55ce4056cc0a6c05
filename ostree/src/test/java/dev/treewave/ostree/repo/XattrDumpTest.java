package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.Xattr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class XattrDumpTest {
  /** Output of getfattr 2.5.1 -R -h -d -m - -e hex --absolute-names over a small tree. */
  static final String OUTPUT =
      """
      # file: /t/tree
      user.root=0x72

      # file: /t/tree/d ir/f=1
      user.empty=0x

      # file: /t/tree/lnk
      trusted.t=0x31

      # file: /t/tree/sub
      user.dir=0x31
      user.we\\075ird=0x00ff

      # file: /t/tree/new\\012line
      security.capability=0x0100000200200000000000000000000000000000

      # file: /t/tree/\\303\\274
      user.u=0x78
      """;

  static XattrDump parse(String text, String root) throws IOException {
    return XattrDump.parse(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)),
        root,
        StandardCharsets.UTF_8);
  }

  @Test
  void readsEveryNamespaceKeyedByPathInTheTree() throws IOException {
    XattrDump d = parse(OUTPUT, "/t/tree");
    assertThat(d.of(""))
        .singleElement()
        .satisfies(x -> assertThat(x.name()).isEqualTo("user.root"));
    assertThat(d.of("/lnk"))
        .singleElement()
        .satisfies(x -> assertThat(x.value()).isEqualTo(new byte[] {'1'}));
    assertThat(d.of("/sub")).extracting(Xattr::name).containsExactly("user.dir", "user.we=ird");
    assertThat(d.of("/sub").get(1).value()).isEqualTo(new byte[] {0, (byte) 0xff});
    assertThat(d.of("/new\nline")).extracting(Xattr::name).containsExactly("security.capability");
    assertThat(d.of("/\u00fc")).extracting(Xattr::name).containsExactly("user.u");
    assertThat(d.of("/not-listed")).isEmpty();
  }

  @Test
  void dropsZeroLengthValuesAsOstreeDoes() throws IOException {
    XattrDump d = parse(OUTPUT, "/t/tree");
    assertThat(d.of("/d ir/f=1")).isEmpty();
    assertThat(d.entriesWithXattrs()).isEqualTo(5);
  }

  @Test
  void filesWithTheSameXattrsShareOneImmutableList() throws IOException {
    String labelled =
        """
        # file: /r/a
        security.selinux=0x73797374656d5f753a6f626a6563745f723a62696e5f743a733000

        # file: /r/b
        security.selinux=0x73797374656d5f753a6f626a6563745f723a62696e5f743a733000

        # file: /r/c
        security.selinux=0x73797374656d5f753a6f626a6563745f723a6574635f743a733000
        """;
    XattrDump d = parse(labelled, "/r");
    assertThat(d.of("/a")).isSameAs(d.of("/b")).isNotSameAs(d.of("/c"));
    assertThat(d.of("/c")).singleElement().isNotEqualTo(d.of("/a").get(0));
    assertThatThrownBy(() -> d.of("/a").clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theFileSystemRootIsItsOwnPrefix() throws IOException {
    XattrDump d = parse("# file: /\nuser.a=0x61\n\n# file: /bin\nuser.b=0x62\n", "/");
    assertThat(d.of("")).extracting(Xattr::name).containsExactly("user.a");
    assertThat(d.of("/bin")).extracting(Xattr::name).containsExactly("user.b");
  }

  @Test
  void refusesOutputItDoesNotUnderstand() {
    assertThatThrownBy(() -> parse("user.a=0x61\n", "/t"))
        .isInstanceOf(OstreeException.class)
        .hasMessageContaining("Unexpected line");
    assertThatThrownBy(() -> parse("# file: /t\nuser.a=\"text\"\n", "/t"))
        .isInstanceOf(OstreeException.class)
        .hasMessageContaining("Unexpected line");
    assertThatThrownBy(() -> parse("# file: /elsewhere/x\nuser.a=0x61\n", "/t"))
        .isInstanceOf(OstreeException.class)
        .hasMessageContaining("Unexpected path");
    assertThatThrownBy(() -> parse("# file: /tx\nuser.a=0x61\n", "/t"))
        .isInstanceOf(OstreeException.class)
        .hasMessageContaining("Unexpected path");
  }

  @Test
  void aFileSystemWithoutXattrsMeansNoXattrsButOtherErrorsCount() {
    assertThat(XattrDump.onlyUnsupported("getfattr: /mnt/a: Operation not supported\n")).isTrue();
    assertThat(
            XattrDump.onlyUnsupported(
                "getfattr: /mnt/a: Operation not supported\ngetfattr: /t/b: Permission denied"))
        .isFalse();
    assertThat(XattrDump.onlyUnsupported("")).isFalse();
  }

  @Test
  void unescapesOnlyThreeOctalDigits() {
    assertThat(XattrDump.unescape("a\\075b")).isEqualTo("a=b".getBytes(StandardCharsets.UTF_8));
    assertThat(XattrDump.unescape("a\\08b")).isEqualTo("a\\08b".getBytes(StandardCharsets.UTF_8));
    assertThat(XattrDump.unescape("end\\07")).isEqualTo("end\\07".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aMissingGetfattrIsReportedAsAbsentNotAsAnError() {
    System.setProperty("treewave.getfattr", "/nonexistent/getfattr");
    try {
      assertThat(XattrDump.start(Path.of("/tmp")).join()).isEqualTo(Optional.empty());
    } finally {
      System.clearProperty("treewave.getfattr");
    }
  }

  @Test
  void readsARealTreeWithTheRealGetfattr(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    java.nio.file.Files.writeString(tmp.resolve("f"), "x");
    FileAttributes.writeUserXattr(tmp.resolve("f"), "k", new byte[] {1, 2});
    XattrDump d = XattrDump.start(tmp).join().orElseThrow();
    assertThat(d.of("/f")).isEqualTo(List.of(new Xattr("user.k", new byte[] {1, 2})));
  }
}
