package dev.treewave.ostree.pull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A blocking HTTP/1.1 GET client for plain {@code http://} remotes with a pool of keep-alive
 * connections, one in use per calling thread. A pull is thousands of small GETs: the JDK's {@link
 * java.net.http.HttpClient} spends more CPU on its asynchronous machinery (futures, a selector
 * thread, hand-offs between threads) than on the bytes, where this reads the body straight from the
 * socket on the caller's thread. Only what a static file server needs is spoken: status line,
 * {@code Content-Length} or chunked bodies, {@code Connection: close}. Anything else (redirects,
 * HTTPS) is left to the caller.
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
  private volatile boolean closed;

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
      s.setSoTimeout(readTimeoutMs);
      return new Conn(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Conn c; (c = idle.pollFirst()) != null; ) {
      c.closeQuietly();
    }
  }

  /** One TCP connection: one exchange at a time, returned to the pool when its body is done. */
  private final class Conn {
    final Socket socket;
    final BufferedInputStream in;
    final OutputStream out;
    boolean responseStarted;

    Conn(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      this.out = new BufferedOutputStream(socket.getOutputStream(), 1024);
    }

    Response exchange(String target) throws IOException {
      responseStarted = false;
      String req =
          "GET "
              + target
              + " HTTP/1.1\r\nHost: "
              + hostHeader
              + "\r\nUser-Agent: treewave-ostree\r\nAccept-Encoding: identity\r\n\r\n";
      out.write(req.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      HeaderBytes hb = new HeaderBytes();
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
      return new Response(status, location, body);
    }

    private void skipHeaders(HeaderBytes hb) throws IOException {
      while (!readLine(hb, false).isEmpty()) {
        // discard
      }
    }

    /** A header line without its CRLF; EOF before a status line is a stale connection. */
    private String readLine(HeaderBytes hb, boolean first) throws IOException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException(
              first && sb.length() == 0
                  ? "connection closed before the response"
                  : "connection closed inside the response headers");
        }
        if (++hb.count > MAX_HEADER_BYTES) {
          throw new IOException("HTTP response headers too large");
        }
        if (b == '\n') {
          int n = sb.length();
          if (n > 0 && sb.charAt(n - 1) == '\r') {
            sb.setLength(n - 1);
          }
          return sb.toString();
        }
        sb.append((char) b);
      }
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
      StringBuilder sb = new StringBuilder();
      while (true) {
        int c = conn.in.read();
        if (c < 0) {
          throw new EOFException("connection closed inside a chunked body");
        }
        if (c == '\n') {
          int n = sb.length();
          if (n > 0 && sb.charAt(n - 1) == '\r') {
            sb.setLength(n - 1);
          }
          return sb.toString();
        }
        if (sb.length() > 8192) {
          throw new IOException("chunk header line too long");
        }
        sb.append((char) c);
      }
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        conn.release(false);
      }
    }
  }
}
