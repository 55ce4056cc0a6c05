package dev.treewave.ostree.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.http.StaticRepoServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HttpTransport's hand-over from the plain client to the JDK's HttpClient for redirects. */
class HttpTransportTest {
  @Test
  void followsARedirectToAnotherServer(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("config"), "[core]\nmode=archive-z2\n");
    try (StaticRepoServer target =
            StaticRepoServer.start(root, new InetSocketAddress("127.0.0.1", 0));
        ServerSocket redirector = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread t =
          new Thread(
              () -> {
                // every connection gets one answer: "moved to the real server"
                while (!redirector.isClosed()) {
                  try (Socket s = redirector.accept()) {
                    InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                      int b = in.read();
                      if (b < 0) {
                        break;
                      }
                      head.append((char) b);
                    }
                    String path = head.toString().split(" ")[1];
                    s.getOutputStream()
                        .write(
                            ("HTTP/1.1 302 Found\r\nLocation: "
                                    + target.url()
                                    + path.substring(1)
                                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      try (HttpTransport http =
          new HttpTransport(
              "http://127.0.0.1:" + redirector.getLocalPort() + "/",
              1,
              Duration.ofSeconds(5),
              Duration.ofSeconds(10))) {
        assertThat(http.getBytes("config", 1024))
            .map(b -> new String(b, StandardCharsets.UTF_8))
            .contains("[core]\nmode=archive-z2\n");
        assertThat(http.getBytes("missing", 1024)).isEmpty();
      }
      assertThat(target.requests())
          .extracting(StaticRepoServer.Request::path)
          .containsExactly("/config", "/missing");
    }
  }
}
