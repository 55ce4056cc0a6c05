package dev.treewave.ostree.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteConfigTest {
  @TempDir Path tmp;

  @Test
  void addWritesOstreeBytesAndDeleteRestoresTheConfig() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.BARE_USER);
    String before = Files.readString(repo.path().resolve("config"));
    RemoteConfig rc = RemoteConfig.of(repo);
    rc.add("o", "http://example.invalid/repo", Map.of("gpg-verify", "false"), false);
    assertThat(Files.readString(repo.path().resolve("config")))
        .isEqualTo(
            before + "\n[remote \"o\"]\nurl=http://example.invalid/repo\ngpg-verify=false\n");
    Map<String, String> o = new LinkedHashMap<>();
    o.put("branches", "a;b;");
    o.put("sign-verify", "ed25519");
    rc.add("p", "file:///srv/repo", o, false);
    Remote p = rc.get("p");
    assertThat(p.gpgVerify()).isTrue(); // ostree's default
    assertThat(p.signVerify()).isTrue();
    assertThat(p.branches()).containsExactly("a", "b");
    assertThat(rc.list()).containsExactly("o", "p");
    assertThatThrownBy(() -> rc.add("o", "x", Map.of(), false))
        .hasMessageContaining("already exists");
    rc.add("o", "x", Map.of(), true);
    rc.delete("p", false);
    rc.delete("o", false);
    assertThat(Files.readString(repo.path().resolve("config"))).isEqualTo(before);
    assertThatThrownBy(() -> rc.delete("o", false)).hasMessageContaining("not found");
    assertThatThrownBy(() -> rc.add("bad name", "x", Map.of(), false))
        .hasMessageContaining("Invalid remote name");
    rc.add("q", "x", Map.of("sign-verify", "rsa"), false);
    assertThatThrownBy(() -> rc.get("q")).hasMessageContaining("unknown signature type");
  }
}
