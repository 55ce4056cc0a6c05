package dev.treewave.ostree.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticRepoServerTest {
  @TempDir Path tmp;

  /** Raw request line, so the client library cannot normalise the path for us. */
  static String get(int port, String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void servesFilesKeepsPlusAndRefusesEscapes() throws Exception {
    Path root = tmp.resolve("repo");
    Files.createDirectories(root.resolve("deltas/ab"));
    Files.writeString(root.resolve("deltas/ab/c+d"), "plus");
    Files.writeString(tmp.resolve("secret"), "nope");
    try (StaticRepoServer server =
        StaticRepoServer.start(root, new InetSocketAddress("127.0.0.1", 0))) {
      assertThat(server.url()).startsWith("http://127.0.0.1:");
      assertThat(get(server.port(), "/deltas/ab/c+d")).startsWith("HTTP/1.1 200").endsWith("plus");
      assertThat(get(server.port(), "/deltas/ab/c%2Bd")).startsWith("HTTP/1.1 200");
      assertThat(get(server.port(), "/../secret")).doesNotContain("nope");
      assertThat(get(server.port(), "/%2e%2e/secret")).startsWith("HTTP/1.1 404");
      assertThat(get(server.port(), "/missing")).startsWith("HTTP/1.1 404");
      assertThat(server.requests())
          .anyMatch(r -> r.path().equals("/deltas/ab/c+d") && r.status() == 200);
    }
  }

  @Test
  void turnsOnTcpNoDelaySoSmallObjectsDoNotWaitForDelayedAcks(@TempDir Path root) throws Exception {
    try (StaticRepoServer server =
        StaticRepoServer.start(root, new InetSocketAddress("127.0.0.1", 0))) {
      // The JDK server takes TCP_NODELAY from this property; without it a pull of many small
      // objects runs at one object per ~40 ms per connection.
      assertThat(System.getProperty(StaticRepoServer.NODELAY_PROPERTY)).isEqualTo("true");
    }
  }
}
