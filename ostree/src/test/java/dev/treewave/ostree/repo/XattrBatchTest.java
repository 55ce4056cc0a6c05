package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.Xattr;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XattrBatchTest {
  @TempDir Path tmp;

  @Test
  void onlyXattrsOutsideUserNeedSetfattr() {
    assertThat(XattrBatch.needsSetfattr(List.of())).isFalse();
    assertThat(XattrBatch.needsSetfattr(List.of(x("user.a", "1")))).isFalse();
    assertThat(XattrBatch.needsSetfattr(List.of(x("user.a", "1"), x("security.capability", "c"))))
        .isTrue();
  }

  @Test
  void escapingLeavesOnlyPrintableAsciiThatSetfattrReadsLiterally() {
    byte[] raw = "a b=c\\d\ne\u00e9".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(XattrBatch.escape(raw), StandardCharsets.US_ASCII))
        .isEqualTo("a\\040b\\075c\\134d\\012e\\303\\251");
    assertThat(XattrDump.unescape(new String(XattrBatch.escape(raw), StandardCharsets.ISO_8859_1)))
        .isEqualTo(raw);
  }

  @Test
  void restoreInputIsWhatGetfattrDumpsAndParsesBackToTheSameXattrs() throws Exception {
    Path odd = tmp.resolve("new\nline = odd");
    List<Xattr> xattrs = List.of(x("trusted.we=ird", "v"), x("security.capability", "\u0001"));
    byte[] input = XattrBatch.restoreInput(odd, xattrs);
    XattrDump parsed =
        XattrDump.parse(new ByteArrayInputStream(input), "/", StandardCharsets.UTF_8);
    assertThat(parsed.of(odd.toString())).containsExactlyElementsOf(xattrs);
  }

  @Test
  void appliesEveryCollectedXattrInOneRunAndEmptiesTheBatch() throws Exception {
    Path a = Files.writeString(tmp.resolve("a"), "a");
    Path b = Files.writeString(tmp.resolve("b c"), "b");
    XattrBatch batch = new XattrBatch();
    batch.add(a, List.of(x("user.one", "1"), x("user.empty", "")));
    batch.add(b, List.of(x("user.two", "2")));
    assertThat(batch.size()).isEqualTo(2);

    batch.apply();

    assertThat(batch.isEmpty()).isTrue();
    assertThat(FileAttributes.readUserXattrs(a)).containsExactly(x("user.one", "1"));
    assertThat(FileAttributes.readUserXattrs(b)).containsExactly(x("user.two", "2"));
  }

  @Test
  void aMissingSetfattrIsOneClearError() throws Exception {
    Path a = Files.writeString(tmp.resolve("a"), "a");
    XattrBatch batch = new XattrBatch();
    batch.add(a, List.of(x("trusted.t", "1")));
    System.setProperty("treewave.setfattr", tmp.resolve("absent").toString());
    try {
      assertThatThrownBy(batch::apply)
          .isInstanceOf(OstreeException.class)
          .hasMessageContaining("is not installed (package attr)");
    } finally {
      System.clearProperty("treewave.setfattr");
    }
  }

  @Test
  void setfattrsOwnErrorIsReported() throws Exception {
    XattrBatch batch = new XattrBatch();
    batch.add(tmp.resolve("missing"), List.of(x("user.t", "1")));
    assertThatThrownBy(batch::apply)
        .isInstanceOf(OstreeException.class)
        .hasMessageContaining("missing")
        .hasMessageContaining("No such file");
  }

  private static Xattr x(String name, String value) {
    return new Xattr(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
