package dev.treewave.ostree.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Test helper: an HTTP/1.1 server on 127.0.0.1 for a repository directory that answers each path
 * normally, or trickles the body one byte per interval, or stays silent after the request (the
 * misbehaviours a broken mirror or an attacker on the path can produce). One connection per request
 * ({@code Connection: close}); every request is counted by path.
 */
final class MisbehavingServer implements AutoCloseable {
  /** How to answer one path. */
  sealed interface Behaviour {
    record Normal() implements Behaviour {}

    record Trickle(Duration every) implements Behaviour {}

    record Silent() implements Behaviour {}

    /** The response headers themselves, one byte per interval. */
    record TrickleHeaders(Duration every) implements Behaviour {}
  }

  private final Path root;
  private final Function<String, Behaviour> behaviour;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private volatile boolean closed;

  MisbehavingServer(Path root, Function<String, Behaviour> behaviour) throws IOException {
    this.root = root;
    this.behaviour = behaviour;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread t = new Thread(this::acceptLoop, "misbehaving-httpd");
    t.setDaemon(true);
    t.start();
  }

  String url() {
    return "http://127.0.0.1:" + listener.getLocalPort() + "/";
  }

  int requestsFor(String pathSuffix) {
    return requests.entrySet().stream()
        .filter(e -> e.getKey().endsWith(pathSuffix))
        .mapToInt(e -> e.getValue().get())
        .sum();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = listener.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "misbehaving-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      String path = readRequestPath(in);
      if (path == null) {
        return;
      }
      requests.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
      Path file = root.resolve(path.substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        out.write(
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return;
      }
      byte[] body = Files.readAllBytes(file);
      Behaviour b = behaviour.apply(path);
      if (b instanceof Behaviour.Silent) {
        while (!closed && in.read() >= 0) {
          // hold the connection open, answering nothing, until the client gives up
        }
        return;
      }
      if (b instanceof Behaviour.TrickleHeaders t) {
        byte[] head =
            ("HTTP/1.1 200 OK\r\n" + "X-Padding: slow\r\n".repeat(1000))
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < head.length && !closed; i++) {
          out.write(head[i]);
          out.flush();
          Thread.sleep(t.every().toMillis()); // the misbehaviour itself
        }
        return;
      }
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      if (b instanceof Behaviour.Trickle t) {
        out.flush();
        for (int i = 0; i < body.length && !closed; i++) {
          out.write(body[i]);
          out.flush();
          Thread.sleep(t.every().toMillis()); // the misbehaviour itself: a trickling server
        }
      } else {
        out.write(body);
      }
    } catch (IOException e) {
      // the client hung up: expected when it aborts a slow transfer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(s);
    }
  }

  private static String readRequestPath(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        String[] line = head.substring(0, head.indexOf("\r\n")).split(" ");
        return line.length >= 2 ? line[1] : null;
      }
      if (head.length() > 65536) {
        return null;
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
