package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.Xattr;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XattrBatchTest {
  @TempDir Path tmp;

  @Test
  void onlyXattrsOutsideUserNeedNativeCalls() {
    assertThat(XattrBatch.needsNative(List.of())).isFalse();
    assertThat(XattrBatch.needsNative(List.of(x("user.a", "1")))).isFalse();
    assertThat(XattrBatch.needsNative(List.of(x("user.a", "1"), x("security.capability", "c"))))
        .isTrue();
  }

  @Test
  void appliesEveryCollectedXattrAndEmptiesTheBatch() throws Exception {
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
  void withoutNativeCallsItIsOneClearError() throws Exception {
    Path a = Files.writeString(tmp.resolve("a"), "a");
    XattrBatch batch = new XattrBatch();
    batch.add(a, List.of(x("trusted.t", "1")));
    System.setProperty(NativeFs.OFF_PROPERTY, "true");
    try {
      assertThatThrownBy(batch::apply)
          .isInstanceOf(OstreeException.class)
          .hasMessageContaining("switched off")
          .hasMessageContaining("only set user.* xattrs");
    } finally {
      System.clearProperty(NativeFs.OFF_PROPERTY);
    }
  }

  @Test
  void theCallsErrnoIsReported() throws Exception {
    XattrBatch batch = new XattrBatch();
    batch.add(tmp.resolve("missing"), List.of(x("user.t", "1")));
    assertThatThrownBy(batch::apply)
        .isInstanceOf(NativeFsException.class)
        .hasMessage(
            "lsetxattr user.t " + tmp.resolve("missing") + ": ENOENT (No such file or directory)");
  }

  private static Xattr x(String name, String value) {
    return new Xattr(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
