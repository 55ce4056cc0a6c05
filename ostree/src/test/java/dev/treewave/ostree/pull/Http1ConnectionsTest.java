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
import java.net.SocketTimeoutException;
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

  @Test
  void aServerThatStallsMidBodyIsCutByTheReadLimit() throws IOException {
    // headers and part of the body, then silence with the connection open
    serve(p -> ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart"));
    try (Http1Connections c =
        new Http1Connections(
            URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"),
            Duration.ofSeconds(5),
            Duration.ofMillis(300))) {
      Http1Connections.Response r = c.get("/x");
      assertThatThrownBy(() -> r.body().readAllBytes())
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("300 ms");
    }
  }

  @Test
  void linesSplitAcrossReadsAreJoined() throws IOException {
    byte[] text = ascii("HTTP/1.1 200 OK\r\nX-Long: " + "y".repeat(300) + "\r\n\nrest");
    // a socket that hands out three bytes per read()
    InputStream trickle =
        new InputStream() {
          int at;

          @Override
          public int read() {
            return at < text.length ? text[at++] & 0xff : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (at >= text.length) {
              return -1;
            }
            int n = Math.min(3, Math.min(len, text.length - at));
            System.arraycopy(text, at, b, off, n);
            at += n;
            return n;
          }
        };
    Http1Connections.SocketInput in = new Http1Connections.SocketInput(trickle, 1000);
    assertThat(in.readLine(1000)).isEqualTo("HTTP/1.1 200 OK");
    assertThat(in.readLine(1000)).isEqualTo("X-Long: " + "y".repeat(300));
    assertThat(in.readLine(1000)).isEmpty();
    assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("rest");
    assertThat(in.readLine(1000)).isNull();
    assertThatThrownBy(
            () ->
                new Http1Connections.SocketInput(
                        new java.io.ByteArrayInputStream(ascii("z".repeat(50) + "\n")), 1000)
                    .readLine(20))
        .hasMessageContaining("too large");
  }
}
