package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte-exact conversions, checked in this (UTF-8) JVM against what the JDK itself writes;
 * {@code Utf8NamesWithoutLocaleIT} runs them where they matter, in a JVM with the C locale.
 */
class ByteFileNamesTest {
  private static final String NAME = "F\u0151tan\u00fas\u00edtv\u00e1ny \ud83c\udf33%.crt";
  private final ByteFileNames names = new ByteFileNames(NativeFs::system);

  @TempDir Path tmp;

  @Test
  void aNameWrittenAsBytesIsTheNameTheJdkWrites() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("d\u00e9j\u00e0"));
    Path file = names.resolve(dir, NAME);
    Files.writeString(file, "x");
    assertThat(dir.resolve(NAME)).hasContent("x");
    assertThat(names.bytes(file))
        .isEqualTo(dir.resolve(NAME).toString().getBytes(StandardCharsets.UTF_8));
    assertThat(names.bytes(file.getFileName())).isEqualTo(NAME.getBytes(StandardCharsets.UTF_8));
    assertThat(names.bytes(dir)).isEqualTo(dir.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(names.resolve(dir, "plain")).isEqualTo(dir.resolve("plain"));

    List<String> listed = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
      ds.forEach(p -> listed.add(names.utf8FileName(p).orElseThrow()));
    }
    assertThat(listed).containsExactly("d\u00e9j\u00e0");
  }

  @Test
  void symlinkTargetsKeepEveryByte() throws Exception {
    Path link = names.resolve(tmp, "l\u00ednk");
    String target = "../" + NAME + "//x/";
    names.createSymbolicLink(link, target);
    assertThat(names.readSymbolicLink(link)).isEqualTo(target);
    Path ascii = tmp.resolve("ascii");
    names.createSymbolicLink(ascii, "plain");
    assertThat(names.readSymbolicLink(ascii)).isEqualTo("plain");
  }

  @Test
  void aNameThatIsNotUtf8IsReportedAsSuch() throws Exception {
    new ProcessBuilder("sh", "-c", "touch \"$1/$(printf 'bad\\377')\"", "sh", tmp.toString())
        .start()
        .waitFor();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
      Path bad = ds.iterator().next();
      assertThat(names.utf8FileName(bad)).isEmpty();
      assertThat(names.bytes(bad.getFileName())).isEqualTo(new byte[] {'b', 'a', 'd', (byte) 0xff});
    }
  }
}
