package dev.treewave.ostree.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A static file server for a repository directory (what {@code ostree trivial-httpd} does): GET and
 * HEAD of files below the root, 404 otherwise. Paths are taken raw: {@code +} stays {@code +}
 * (delta names contain it) and anything escaping the root is refused. A {@link FaultInjector} can
 * make it misbehave for tests. Close it to stop it.
 */
public final class StaticRepoServer implements AutoCloseable {
  /** A served request: path and status (for tests comparing request sequences). */
  public record Request(String method, String path, int status) {}

  /** Decides, per request, whether to misbehave. */
  public interface FaultInjector {
    /** No faults. */
    FaultInjector NONE = path -> Fault.NONE;

    Fault faultFor(String path);
  }

  /** What to do wrong: answer 503, or cut the connection after sending part of the body. */
  public enum Fault {
    NONE,
    SERVER_ERROR,
    DROP_MIDWAY
  }

  /**
   * JDK's HttpServer reads this once, when its first server is created. Without TCP_NODELAY a
   * response whose headers and body leave in separate writes waits for the client's delayed ACK
   * (about 40 ms on Linux), so a pull of thousands of small objects was bound by that wait: the
   * minbase pull took 34 s instead of 3.5 s, for libostree's client as much as for ours.
   */
  static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  static {
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
  }

  private final Path root;
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Request> log = new CopyOnWriteArrayList<>();
  private volatile FaultInjector faults = FaultInjector.NONE;
  private final java.util.concurrent.atomic.AtomicLong bytesServed =
      new java.util.concurrent.atomic.AtomicLong();

  private StaticRepoServer(Path root, HttpServer server, ExecutorService executor) {
    this.root = root;
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving {@code root} on {@code address} (port 0 = any free port). */
  public static StaticRepoServer start(Path root, InetSocketAddress address) throws IOException {
    HttpServer server = HttpServer.create(address, 64);
    AtomicInteger n = new AtomicInteger();
    ExecutorService ex =
        Executors.newFixedThreadPool(
            16,
            r -> {
              Thread t = new Thread(r, "treewave-httpd-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    StaticRepoServer s = new StaticRepoServer(root.toAbsolutePath().normalize(), server, ex);
    server.createContext("/", s::handle);
    server.setExecutor(ex);
    server.start();
    return s;
  }

  public void setFaultInjector(FaultInjector f) {
    this.faults = f;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Base URL, e.g. {@code http://127.0.0.1:PORT/}. */
  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port() + "/";
  }

  public List<Request> requests() {
    return List.copyOf(log);
  }

  public void clearLog() {
    log.clear();
  }

  /** Body bytes of complete 200 responses sent so far (bytes on the wire, for benchmarks). */
  public long bytesServed() {
    return bytesServed.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      URI uri = ex.getRequestURI();
      String raw = uri.getRawPath();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        respond(ex, method, raw, 405);
        return;
      }
      Path file = resolve(raw);
      if (file == null || !Files.isRegularFile(file)) {
        respond(ex, method, raw, 404);
        return;
      }
      Fault fault = faults.faultFor(raw);
      if (fault == Fault.SERVER_ERROR) {
        respond(ex, method, raw, 503);
        return;
      }
      long size;
      try {
        size = Files.size(file);
      } catch (NoSuchFileException e) {
        respond(ex, method, raw, 404);
        return;
      }
      log.add(new Request(method, raw, 200));
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      if (method.equals("HEAD")) {
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, size == 0 ? -1 : size);
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = ex.getResponseBody()) {
        if (fault == Fault.DROP_MIDWAY) {
          out.write(in.readNBytes((int) Math.min(size / 2, Integer.MAX_VALUE)));
          out.flush();
          // abandon the exchange with the body incomplete: the client sees a truncated transfer
          throw new IOException("fault injected: connection dropped");
        }
        bytesServed.addAndGet(in.transferTo(out));
      }
    }
  }

  private void respond(HttpExchange ex, String method, String raw, int status) throws IOException {
    log.add(new Request(method, raw, status));
    byte[] body = (status + "\n").getBytes(StandardCharsets.US_ASCII);
    if (method.equals("HEAD")) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  /** Maps a raw URL path to a file under the root; null if it is malformed or escapes it. */
  Path resolve(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return null;
    }
    String decoded;
    try {
      decoded = percentDecode(rawPath.substring(1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (decoded.indexOf('\0') >= 0) {
      return null;
    }
    for (String seg : decoded.split("/")) {
      if (seg.equals("..")) {
        return null;
      }
    }
    Path p = root.resolve(decoded).normalize();
    return p.startsWith(root) ? p : null;
  }

  /** Decodes %XX only; unlike form decoding, '+' is kept. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("bad escape");
        }
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
