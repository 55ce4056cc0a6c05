package dev.treewave.ostree.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The blocking HTTP/1.1 client against a scripted socket server on 127.0.0.1. */
class Http1ConnectionsTest {
  /** Answers each request line with raw response bytes; null closes the connection unanswered. */
  private ServerSocket server;

  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private Thread acceptor;

  private void serve(Function<String, byte[]> script) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  connections.incrementAndGet();
                  Thread t = new Thread(() -> handle(s, script));
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void handle(Socket s, Function<String, byte[]> script) {
    try (s) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      while (true) {
        String line = in.readLine();
        if (line == null) {
          return;
        }
        for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
          // headers
        }
        requests.add(line);
        byte[] resp = script.apply(line.split(" ")[1]);
        if (resp == null) {
          return;
        }
        out.write(resp);
        out.flush();
        if (new String(resp, StandardCharsets.ISO_8859_1).contains("Connection: close")) {
          return;
        }
      }
    } catch (IOException e) {
      // client went away
    }
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private Http1Connections client() {
    return new Http1Connections(
        URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String body(Http1Connections.Response r) throws IOException {
    try (InputStream in = r.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void reusesOneKeptAliveConnectionForSequentialRequests() throws IOException {
    serve(p -> ascii("HTTP/1.1 200 OK\r\nContent-Length: " + p.length() + "\r\n\r\n" + p));
    try (Http1Connections c = client()) {
      for (int i = 0; i < 5; i++) {
        Http1Connections.Response r = c.get("/objects/a" + i);
        assertThat(r.status()).isEqualTo(200);
        assertThat(body(r)).isEqualTo("/objects/a" + i);
      }
    }
    assertThat(connections.get()).isEqualTo(1);
    assertThat(requests).hasSize(5);
  }

  @Test
  void readsChunkedBodiesAndStatusCodes() throws IOException {
    serve(
        p ->
            p.equals("/missing")
                ? ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n404\n")
                : ascii(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: y\r\n\r\n"));
    try (Http1Connections c = client()) {
      assertThat(body(c.get("/a"))).isEqualTo("hello, world");
      Http1Connections.Response r = c.get("/missing");
      assertThat(r.status()).isEqualTo(404);
      assertThat(body(r)).isEqualTo("404\n");
      assertThat(body(c.get("/b"))).isEqualTo("hello, world");
    }
    assertThat(connections.get()).isEqualTo(1);
  }

  @Test
  void aBodyCutShortIsAnErrorNotAShortFile() throws IOException {
    serve(p -> ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nshort"));
    try (Http1Connections c = client()) {
      Http1Connections.Response r = c.get("/x");
      assertThatThrownBy(() -> r.body().readAllBytes())
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("95 bytes");
    }
  }

  @Test
  void aConnectionClosedByTheServerIsReplacedTransparently() throws IOException {
    // the server answers once per connection, then closes it without saying so
    AtomicInteger n = new AtomicInteger();
    serve(
        p ->
            n.getAndIncrement() % 2 == 0
                ? ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                : null);
    try (Http1Connections c = client()) {
      assertThat(body(c.get("/1"))).isEqualTo("ok");
      assertThat(body(c.get("/2"))).isEqualTo("ok");
      assertThat(body(c.get("/3"))).isEqualTo("ok");
    }
    assertThat(connections.get()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void connectionCloseAndUnknownLengthBodiesAreReadToTheEnd() throws IOException {
    serve(p -> ascii("HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nuntil-eof"));
    try (Http1Connections c = client()) {
      assertThat(body(c.get("/1"))).isEqualTo("until-eof");
      assertThat(body(c.get("/2"))).isEqualTo("until-eof");
    }
    assertThat(connections.get()).isEqualTo(2);
  }

  @Test
  void malformedResponsesAreRefused() throws IOException {
    serve(p -> ascii("SMTP ready\r\n\r\n"));
    try (Http1Connections c = client()) {
      assertThatThrownBy(() -> c.get("/x"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("status line");
    }
  }
}
