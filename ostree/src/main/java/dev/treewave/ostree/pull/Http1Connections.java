package dev.treewave.ostree.pull;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * A blocking HTTP/1.1 GET client for plain {@code http://} remotes with a pool of keep-alive
 * connections, one in use per calling thread. A pull is thousands of small GETs: the JDK's {@link
 * java.net.http.HttpClient} spends more CPU on its asynchronous machinery (futures, a selector
 * thread, hand-offs between threads) than on the bytes, where this reads the body straight from the
 * socket on the caller's thread. Only what a static file server needs is spoken: status line,
 * {@code Content-Length} or chunked bodies, {@code Connection: close}. Anything else (redirects,
 * HTTPS) is left to the caller.
 *
 * <p>Sockets stay in blocking mode, one read() per filled buffer: a socket read timeout would make
 * the JDK switch the socket to non-blocking and poll() before every read. A stalled read is cut by
 * a watchdog thread instead, which closes a socket that has waited longer than the read limit.
 */
final class Http1Connections implements AutoCloseable {
  /** Headers beyond this are not what a static file server sends. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  /** A response whose body must be read (or closed) before the next request on this thread. */
  record Response(int status, String location, InputStream body) {}

  private final String host;
  private final int port;
  private final String hostHeader;
  private final int connectTimeoutMs;
  private final int readTimeoutMs;
  private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
  private final Set<Conn> all = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile Thread watchdog;

  Http1Connections(URI base, Duration connectTimeout, Duration readTimeout) {
    if (!"http".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
      throw new IllegalArgumentException("not a plain http URL: " + base);
    }
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    this.hostHeader = base.getPort() < 0 ? host : host + ":" + port;
    this.connectTimeoutMs = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.readTimeoutMs = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
  }

  /**
   * Sends {@code GET rawPathAndQuery}. A kept-alive connection the server closed meanwhile is
   * replaced once, transparently (nothing was received on it, so nothing is repeated twice).
   */
  Response get(String rawPathAndQuery) throws IOException {
    Conn c = idle.pollFirst();
    if (c != null) {
      try {
        return c.exchange(rawPathAndQuery);
      } catch (IOException e) {
        c.closeQuietly();
        if (c.responseStarted) {
          throw e;
        }
        // stale keep-alive connection: fall through to a fresh one
      }
    }
    c = open();
    try {
      return c.exchange(rawPathAndQuery);
    } catch (IOException | RuntimeException e) {
      c.closeQuietly();
      throw e;
    }
  }

  private Conn open() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setKeepAlive(true);
      s.setReceiveBufferSize(512 * 1024);
      s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
      Conn c = new Conn(s);
      all.add(c);
      startWatchdog();
      return c;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private synchronized void startWatchdog() {
    if (watchdog != null || closed) {
      return;
    }
    Thread t = new Thread(this::watch, "treewave-http-watchdog");
    t.setDaemon(true);
    t.start();
    watchdog = t;
  }

  /** Closes sockets whose current read has waited longer than the read limit. */
  private void watch() {
    long limit = TimeUnit.MILLISECONDS.toNanos(readTimeoutMs);
    long tick = Math.max(10, Math.min(1000, readTimeoutMs / 4));
    while (!closed) {
      try {
        Thread.sleep(tick);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Conn c : all) {
        long since = c.in.readingSince;
        if (since != 0 && now - since > limit) {
          c.in.timedOut = true;
          c.closeQuietly();
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Conn c; (c = idle.pollFirst()) != null; ) {
      c.closeQuietly();
    }
    Thread t = watchdog;
    if (t != null) {
      t.interrupt();
    }
  }

  /** One TCP connection: one exchange at a time, returned to the pool when its body is done. */
  private final class Conn {
    final Socket socket;
    final SocketInput in;
    final OutputStream out;
    boolean responseStarted;

    Conn(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new SocketInput(socket.getInputStream(), readTimeoutMs);
      this.out = socket.getOutputStream();
    }

    Response exchange(String target) throws IOException {
      responseStarted = false;
      String req =
          "GET "
              + target
              + " HTTP/1.1\r\nHost: "
              + hostHeader
              + "\r\nUser-Agent: treewave-ostree\r\nAccept-Encoding: identity\r\n\r\n";
      out.write(req.getBytes(StandardCharsets.ISO_8859_1)); // one write() per request
      HeaderBytes hb = new HeaderBytes();
      in.headerDeadline =
          readTimeoutMs > 0 ? (System.nanoTime() + readTimeoutMs * 1_000_000L) | 1 : 0;
      String statusLine;
      int status;
      do {
        statusLine = readLine(hb, true);
        responseStarted = true;
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
          throw new IOException("malformed HTTP status line: " + printable(statusLine));
        }
        try {
          status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
          throw new IOException("malformed HTTP status line: " + printable(statusLine));
        }
        if (status >= 100 && status < 200) {
          skipHeaders(hb); // 1xx: an interim response, the real one follows
        }
      } while (status >= 100 && status < 200);
      boolean keepAlive = !statusLine.startsWith("HTTP/1.0");
      long length = -1;
      boolean chunked = false;
      String location = null;
      for (String line; !(line = readLine(hb, false)).isEmpty(); ) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed HTTP header: " + printable(line));
        }
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> {
            try {
              length = Long.parseLong(value);
            } catch (NumberFormatException e) {
              throw new IOException("malformed Content-Length: " + printable(value));
            }
            if (length < 0) {
              throw new IOException("negative Content-Length");
            }
          }
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> {
            String v = value.toLowerCase(Locale.ROOT);
            if (v.contains("close")) {
              keepAlive = false;
            } else if (v.contains("keep-alive")) {
              keepAlive = true;
            }
          }
          case "location" -> location = value;
          default -> {
            // not needed
          }
        }
      }
      InputStream body;
      if (status == 204 || status == 304) {
        body = new LengthBody(this, 0, keepAlive);
      } else if (chunked) {
        body = new ChunkedBody(this, keepAlive);
      } else if (length >= 0) {
        body = new LengthBody(this, length, keepAlive);
      } else {
        body = new LengthBody(this, Long.MAX_VALUE, false); // until the server closes
      }
      in.headerDeadline = 0; // the body has its own limits (chunk lines are read by readLine)
      return new Response(status, location, body);
    }

    private void skipHeaders(HeaderBytes hb) throws IOException {
      while (!readLine(hb, false).isEmpty()) {
        // discard
      }
    }

    /** A header line without its CRLF; EOF before a status line is a stale connection. */
    private String readLine(HeaderBytes hb, boolean first) throws IOException {
      String line = in.readLine(MAX_HEADER_BYTES - hb.count);
      if (line == null) {
        throw new EOFException(
            first && in.lineLength == 0
                ? "connection closed before the response"
                : "connection closed inside the response headers");
      }
      hb.count += in.lineLength;
      return line;
    }

    /** Body finished: the connection goes back to the pool or is closed. */
    void release(boolean reusable) {
      if (reusable && !closed) {
        idle.addFirst(this);
        if (closed) {
          Http1Connections.this.close();
        }
      } else {
        closeQuietly();
      }
    }

    void closeQuietly() {
      all.remove(this);
      try {
        socket.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }

  private static final class HeaderBytes {
    int count;
  }

  private static String printable(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /**
   * A body of known length (or up to EOF when {@code length} is Long.MAX_VALUE): ending early is an
   * {@link EOFException}, so a cut transfer is never taken for a complete one.
   */
  private static final class LengthBody extends InputStream {
    private final Conn conn;
    private final boolean untilEof;
    private long left;
    private final boolean keepAlive;
    private boolean released;

    LengthBody(Conn conn, long length, boolean keepAlive) {
      this.conn = conn;
      this.untilEof = length == Long.MAX_VALUE;
      this.left = length;
      this.keepAlive = keepAlive && !untilEof;
      if (length == 0) {
        release(true);
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      if (released) {
        throw new IOException("body closed");
      }
      if (len == 0) {
        return 0;
      }
      int n = conn.in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        if (untilEof) {
          left = 0;
          release(false);
          return -1;
        }
        release(false);
        throw new EOFException("connection closed with " + left + " bytes of the body missing");
      }
      left -= n;
      if (left == 0) {
        release(true);
      }
      return n;
    }

    @Override
    public int available() throws IOException {
      return released ? 0 : (int) Math.min(conn.in.available(), left);
    }

    private void release(boolean complete) {
      if (!released) {
        released = true;
        conn.release(complete && keepAlive);
      }
    }

    @Override
    public void close() throws IOException {
      if (released) {
        return;
      }
      // a short unread rest is drained to keep the connection; a long one is cheaper to drop
      if (!untilEof && left <= 64 * 1024) {
        try {
          conn.in.skipNBytes(left);
          left = 0;
          release(true);
          return;
        } catch (IOException e) {
          // fall through
        }
      }
      release(false);
    }
  }

  /** A chunked body; trailers are skipped. */
  private static final class ChunkedBody extends InputStream {
    private final Conn conn;
    private final boolean keepAlive;
    private long chunkLeft;
    private boolean eof;
    private boolean released;

    ChunkedBody(Conn conn, boolean keepAlive) {
      this.conn = conn;
      this.keepAlive = keepAlive;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (eof) {
        return -1;
      }
      if (released) {
        throw new IOException("body closed");
      }
      if (len == 0) {
        return 0;
      }
      try {
        if (chunkLeft == 0) {
          chunkLeft = nextChunkSize();
          if (chunkLeft == 0) {
            while (!line().isEmpty()) {
              // trailers
            }
            eof = true;
            released = true;
            conn.release(keepAlive);
            return -1;
          }
        }
        int n = conn.in.read(b, off, (int) Math.min(len, chunkLeft));
        if (n < 0) {
          throw new EOFException("connection closed inside a chunked body");
        }
        chunkLeft -= n;
        if (chunkLeft == 0 && !line().isEmpty()) {
          throw new IOException("malformed chunked body");
        }
        return n;
      } catch (IOException e) {
        released = true;
        conn.release(false);
        throw e;
      }
    }

    private long nextChunkSize() throws IOException {
      String l = line();
      int semi = l.indexOf(';');
      String hex = (semi >= 0 ? l.substring(0, semi) : l).trim();
      try {
        long n = Long.parseLong(hex, 16);
        if (n < 0) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size: " + printable(l));
      }
    }

    private String line() throws IOException {
      String l = conn.in.readLine(8192);
      if (l == null) {
        throw new EOFException("connection closed inside a chunked body");
      }
      return l;
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        conn.release(false);
      }
    }
  }

  /**
   * The socket's input with its own buffer (no per-byte locking as in BufferedInputStream) and the
   * watchdog's view of a read in progress.
   */
  static final class SocketInput extends InputStream {
    private final InputStream socket;
    private final int readLimitMs;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;

    /** nanoTime when the current blocking read started, 0 when none is. */
    volatile long readingSince;

    /** Set by the watchdog when it closed the socket for a stalled read. */
    volatile boolean timedOut;

    /** Bytes consumed by the last {@link #readLine} (with its line end). */
    int lineLength;

    /**
     * nanoTime by which the response headers must be complete (0: none): the watchdog ends a read
     * that gets nothing, this ends headers trickled a byte at a time.
     */
    long headerDeadline;

    SocketInput(InputStream socket, int readLimitMs) {
      this.socket = socket;
      this.readLimitMs = readLimitMs;
    }

    /** One blocking read() from the socket into {@code b}; -1 at EOF. */
    private int socketRead(byte[] b, int off, int len) throws IOException {
      readingSince = System.nanoTime() | 1; // never 0
      try {
        return socket.read(b, off, len);
      } catch (IOException e) {
        if (timedOut) {
          throw new SocketTimeoutException(
              "no data from the server for " + readLimitMs + " ms; connection closed");
        }
        throw e;
      } finally {
        readingSince = 0;
      }
    }

    private boolean fill() throws IOException {
      pos = 0;
      lim = 0;
      int n = socketRead(buf, 0, buf.length);
      if (n <= 0) {
        return false;
      }
      lim = n;
      return true;
    }

    @Override
    public int read() throws IOException {
      if (pos >= lim && !fill()) {
        return -1;
      }
      return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= lim) {
        if (len >= buf.length) {
          return socketRead(b, off, len); // large reads skip the copy
        }
        if (!fill()) {
          return -1;
        }
      }
      int n = Math.min(len, lim - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return lim - pos;
    }

    /**
     * A line without its LF (and a CR before it) read as ISO-8859-1, or null at EOF before its end;
     * more than {@code max} bytes is an error.
     */
    String readLine(int max) throws IOException {
      StringBuilder sb = null;
      lineLength = 0;
      while (true) {
        if (pos >= lim) {
          if (headerDeadline != 0 && System.nanoTime() - headerDeadline > 0) {
            throw new SocketTimeoutException(
                "HTTP response headers not complete after " + readLimitMs + " ms");
          }
          if (!fill()) {
            return null;
          }
        }
        int start = pos;
        int end = start;
        while (end < lim && buf[end] != '\n') {
          end++;
        }
        lineLength += end - start + (end < lim ? 1 : 0);
        if (lineLength > max) {
          throw new IOException("HTTP response headers too large");
        }
        if (end < lim) {
          pos = end + 1;
          int stop = end;
          String piece;
          if (sb == null) {
            if (stop > start && buf[stop - 1] == '\r') {
              stop--;
            }
            return new String(buf, start, stop - start, StandardCharsets.ISO_8859_1);
          }
          sb.append(new String(buf, start, end - start, StandardCharsets.ISO_8859_1));
          int n = sb.length();
          if (n > 0 && sb.charAt(n - 1) == '\r') {
            sb.setLength(n - 1);
          }
          piece = sb.toString();
          return piece;
        }
        if (sb == null) {
          sb = new StringBuilder();
        }
        sb.append(new String(buf, start, end - start, StandardCharsets.ISO_8859_1));
        pos = lim;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = 0;
      while (skipped < n) {
        if (pos >= lim && !fill()) {
          break;
        }
        int k = (int) Math.min(n - skipped, lim - pos);
        pos += k;
        skipped += k;
      }
      return skipped;
    }
  }
}
