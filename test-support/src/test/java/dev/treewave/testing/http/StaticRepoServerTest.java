package dev.treewave.testing.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    Files.writeString(root.resolve("config"), "[core]\n");
    try (StaticRepoServer server =
            StaticRepoServer.start(root, new InetSocketAddress("127.0.0.1", 0));
        Socket s = new Socket("127.0.0.1", server.port())) {
      // Without TCP_NODELAY a pull of many small objects runs at one object per ~40 ms per
      // connection (each response waits for the client's delayed ACK).
      s.getOutputStream().write(request("GET", "/config", "").getBytes(StandardCharsets.US_ASCII));
      readResponse(s.getInputStream());
      assertThat(server.allConnectionsNoDelay()).isTrue();
    }
  }

  static String request(String method, String path, String extraHeaders) {
    return method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "\r\n";
  }

  /** One response (status line, headers, Content-Length body) read off a kept-alive socket. */
  static String readResponse(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("response head complete").isNotNegative();
      head.write(b);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(h);
    int length = m.find() && !h.contains("X-Head-Only") ? Integer.parseInt(m.group(1)) : 0;
    byte[] body = in.readNBytes(length);
    assertThat(body).hasSize(length);
    return h + new String(body, StandardCharsets.ISO_8859_1);
  }

  @Test
  void keepsConnectionsAliveAnswersPipelinedRequestsInOrderAndHeadWithoutBody(@TempDir Path root)
      throws Exception {
    Files.writeString(root.resolve("a"), "alpha");
    Files.writeString(root.resolve("b"), "bravo!");
    try (StaticRepoServer server =
            StaticRepoServer.start(root, new InetSocketAddress("127.0.0.1", 0));
        Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      // two requests in one write (pipelined), then a HEAD and a POST on the same connection
      out.write(
          (request("GET", "/a?x=1", "") + request("GET", "/b", ""))
              .getBytes(StandardCharsets.US_ASCII));
      String a = readResponse(in);
      assertThat(a).startsWith("HTTP/1.1 200").contains("Content-Length: 5").endsWith("alpha");
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("bravo!");
      out.write(request("HEAD", "/b", "").getBytes(StandardCharsets.US_ASCII));
      byte[] head = new byte[4096];
      int n = in.read(head);
      String h = new String(head, 0, n, StandardCharsets.ISO_8859_1);
      assertThat(h).startsWith("HTTP/1.1 200").contains("Content-Length: 6").endsWith("\r\n\r\n");
      out.write(
          request("POST", "/a", "Content-Length: 3\r\n")
              .concat("xyz")
              .getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(in)).startsWith("HTTP/1.1 405");
      out.write(request("GET", "/missing", "").getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(in)).startsWith("HTTP/1.1 404");
      assertThat(server.requests())
          .extracting(StaticRepoServer.Request::path, StaticRepoServer.Request::status)
          .containsExactly(
              tuple("/a", 200),
              tuple("/b", 200),
              tuple("/b", 200),
              tuple("/a", 405),
              tuple("/missing", 404));
      assertThat(server.bytesServed()).isEqualTo(11);
    }
  }

  @Test
  void http10ClosesAfterTheResponseAndMalformedRequestsGet400(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("a"), "alpha");
    try (StaticRepoServer server =
        StaticRepoServer.start(root, new InetSocketAddress("127.0.0.1", 0))) {
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        s.getOutputStream().write("GET /a HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(all).startsWith("HTTP/1.1 200").endsWith("alpha"); // then EOF
      }
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        s.getOutputStream().write("NONSENSE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(all).startsWith("HTTP/1.1 400");
      }
    }
  }

  @Test
  void servesLargeFilesWholeAndInjectsFaults(@TempDir Path root) throws Exception {
    byte[] big = new byte[3 * HttpConnection.SMALL_FILE + 17];
    new Random(1).nextBytes(big);
    Files.write(root.resolve("big"), big);
    Files.write(root.resolve("small"), new byte[1000]);
    try (StaticRepoServer server =
        StaticRepoServer.start(root, new InetSocketAddress("127.0.0.1", 0))) {
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create(server.url() + "big");
      HttpResponse<byte[]> r =
          client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(big);

      server.setFaultInjector(
          p ->
              p.equals("/big") ? StaticRepoServer.Fault.SERVER_ERROR : StaticRepoServer.Fault.NONE);
      assertThat(
              client
                  .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(503);

      server.setFaultInjector(p -> StaticRepoServer.Fault.DROP_MIDWAY);
      for (String name : List.of("big", "small")) {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
          s.getOutputStream()
              .write(request("GET", "/" + name, "").getBytes(StandardCharsets.US_ASCII));
          byte[] all = s.getInputStream().readAllBytes(); // the server cuts the connection
          String text = new String(all, StandardCharsets.ISO_8859_1);
          int bodyStart = text.indexOf("\r\n\r\n") + 4;
          long declared = name.equals("big") ? big.length : 1000;
          assertThat(text).contains("Content-Length: " + declared);
          assertThat((long) all.length - bodyStart).isLessThan(declared);
        }
      }
    }
  }
}
