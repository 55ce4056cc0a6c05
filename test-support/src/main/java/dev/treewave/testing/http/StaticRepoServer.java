package dev.treewave.testing.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A static file server for a repository directory (what {@code ostree trivial-httpd} does): GET and
 * HEAD of files below the root, 404 otherwise, HTTP/1.1 keep-alive (HTTP/1.0 too). Paths are taken
 * raw: {@code +} stays {@code +} (delta names contain it) and anything escaping the root is
 * refused. A {@link FaultInjector} can make it misbehave for tests. Close it to stop it.
 *
 * <p>Its own small server rather than the JDK's {@code com.sun.net.httpserver}: one blocking thread
 * per connection (see {@link HttpConnection}) instead of a selector thread handing every request to
 * a pool, TCP_NODELAY on every connection (without it each small response waited ~40 ms for the
 * client's delayed ACK), and small files sent with their headers in one write.
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

  /** At most this many connections are served at once; more wait in the listen backlog. */
  static final int MAX_CONNECTIONS = 256;

  /** A connection without progress (idle between requests, or stuck) for this long is closed. */
  static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

  private final Path root;
  private final ServerSocketChannel listener;
  private final InetSocketAddress address;
  private final ExecutorService threads;
  private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
  private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
  private final Queue<Request> log = new ConcurrentLinkedQueue<>();
  private volatile FaultInjector faults = FaultInjector.NONE;
  private final AtomicLong bytesServed = new AtomicLong();
  private volatile boolean closed;

  private StaticRepoServer(Path root, ServerSocketChannel listener, ExecutorService threads)
      throws IOException {
    this.root = root;
    this.listener = listener;
    this.address = (InetSocketAddress) listener.getLocalAddress();
    this.threads = threads;
  }

  /** Starts serving {@code root} on {@code address} (port 0 = any free port). */
  public static StaticRepoServer start(Path root, InetSocketAddress address) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(address, 64);
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService ex =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "treewave-httpd-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    StaticRepoServer s = new StaticRepoServer(root.toAbsolutePath().normalize(), listener, ex);
    ex.execute(s::acceptLoop);
    ex.execute(s::reapLoop);
    return s;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        return;
      }
      SocketChannel ch;
      try {
        ch = listener.accept();
      } catch (IOException e) {
        slots.release();
        if (closed) {
          return;
        }
        continue; // e.g. the client reset before we accepted
      }
      try {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        HttpConnection c = new HttpConnection(this, ch);
        open.add(c);
        if (closed) {
          c.close(); // close() may have missed it
        }
        threads.execute(c);
      } catch (IOException | RuntimeException e) {
        slots.release();
        try {
          ch.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
    }
  }

  /** Closes connections that made no progress for {@link #IDLE_LIMIT}. */
  private void reapLoop() {
    while (!closed) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (HttpConnection c : open) {
        if (now - c.lastProgress > IDLE_LIMIT.toNanos()) {
          c.close();
        }
      }
    }
  }

  /** Called by a connection's thread when it ends. */
  void closed(HttpConnection c) {
    if (open.remove(c)) {
      slots.release();
    }
  }

  public void setFaultInjector(FaultInjector f) {
    this.faults = f;
  }

  public int port() {
    return address.getPort();
  }

  /** Base URL, e.g. {@code http://127.0.0.1:PORT/}. */
  public String url() {
    return "http://" + address.getHostString() + ":" + port() + "/";
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

  /** Whether every open connection has TCP_NODELAY set (for tests). */
  boolean allConnectionsNoDelay() throws IOException {
    for (HttpConnection c : open) {
      if (!c.tcpNoDelay()) {
        return false;
      }
    }
    return !open.isEmpty();
  }

  /** Answers one request; returns whether the connection stays open for the next. */
  boolean respond(HttpConnection c, HttpConnection.Head h) throws IOException {
    String method = h.method();
    String raw = rawPath(h.target());
    if (!method.equals("GET") && !method.equals("HEAD")) {
      log.add(new Request(method, raw, 405));
      return c.sendStatus(405, h);
    }
    Path file = resolve(raw);
    BasicFileAttributes attrs = null;
    if (file != null) {
      try {
        attrs = Files.readAttributes(file, BasicFileAttributes.class);
      } catch (IOException e) {
        // absent or unreadable: 404
      }
    }
    if (attrs == null || !attrs.isRegularFile()) {
      log.add(new Request(method, raw, 404));
      return c.sendStatus(404, h);
    }
    Fault fault = faults.faultFor(raw);
    if (fault == Fault.SERVER_ERROR) {
      log.add(new Request(method, raw, 503));
      return c.sendStatus(503, h);
    }
    try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
      // the size from the stat above: a file replaced in between is cut short, never overrun
      long size = attrs.size();
      log.add(new Request(method, raw, 200));
      long sent = c.sendFile(fc, size, h, fault == Fault.DROP_MIDWAY);
      if (sent < 0) {
        return false; // cut: the client sees a truncated transfer
      }
      bytesServed.addAndGet(sent);
      return h.keepAlive();
    } catch (NoSuchFileException e) {
      log.add(new Request(method, raw, 404));
      return c.sendStatus(404, h);
    }
  }

  /** The raw path of a request target: origin-form as is, absolute-form without scheme and host. */
  static String rawPath(String target) {
    String t = target;
    if (!t.startsWith("/")) {
      int scheme = t.indexOf("://");
      if (scheme > 0) {
        int slash = t.indexOf('/', scheme + 3);
        t = slash < 0 ? "/" : t.substring(slash);
      }
    }
    int q = t.indexOf('?');
    if (q >= 0) {
      t = t.substring(0, q);
    }
    int hash = t.indexOf('#');
    return hash >= 0 ? t.substring(0, hash) : t;
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
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // nothing to do
    }
    for (HttpConnection c : open) {
      c.close();
    }
    threads.shutdownNow();
  }
}
