package dev.treewave.testing.http;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection of {@link StaticRepoServer}, served by one blocking thread:
 * parses request heads straight from its read buffer and sends a small file's headers and bytes in
 * one gathering write (a large one with sendfile through {@link FileChannel#transferTo}). A pull is
 * thousands of small GETs, so what counts is system calls and thread hand-offs per request, not
 * bytes; the JDK server spent more CPU per request than the client spent storing the object.
 */
final class HttpConnection implements Runnable {
  /** Request heads beyond this are refused (431) and the connection closed. */
  static final int MAX_HEAD = 16 * 1024;

  /** Files up to this size go out with their headers in one write. */
  static final int SMALL_FILE = 64 * 1024;

  /** A parsed request line and the headers that matter to a static server. */
  record Head(String method, String target, boolean keepAlive, boolean http10, long bodyLength) {}

  private final StaticRepoServer server;
  private final SocketChannel ch;
  private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_HEAD);
  private final ByteBuffer out = ByteBuffer.allocateDirect(1024);
  private ByteBuffer small; // SMALL_FILE bytes, allocated on the first small file

  /** When the connection last made progress (nanoTime); the server's reaper closes stuck ones. */
  volatile long lastProgress = System.nanoTime();

  HttpConnection(StaticRepoServer server, SocketChannel ch) {
    this.server = server;
    this.ch = ch;
  }

  @Override
  public void run() {
    try {
      while (true) {
        Head h = readHead();
        if (h == null || !server.respond(this, h)) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the client went away, sent garbage or the server is closing: drop the connection
    } finally {
      close();
      server.closed(this);
    }
  }

  void close() {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  boolean tcpNoDelay() throws IOException {
    return ch.getOption(java.net.StandardSocketOptions.TCP_NODELAY);
  }

  /** The next request head, or null at a clean end of the connection between requests. */
  private Head readHead() throws IOException {
    int end;
    while ((end = headEnd()) < 0) {
      if (!in.hasRemaining()) {
        sendError(431, false);
        return null;
      }
      int n = ch.read(in);
      lastProgress = System.nanoTime();
      if (n < 0) {
        if (in.position() == 0) {
          return null;
        }
        throw new EOFException("connection closed inside a request head");
      }
    }
    String text = ascii(0, end);
    // keep what follows (a pipelined request) for the next round
    in.flip().position(end);
    in.compact();
    Head h = parse(text);
    if (h == null) {
      sendError(400, false);
      return null;
    }
    if (h.bodyLength() < 0) {
      sendError(411, false); // chunked request bodies: nothing a GET needs
      return null;
    }
    discardBody(h.bodyLength());
    return h;
  }

  /** Index just past the blank line ending the head in {@code in}, or -1. */
  private int headEnd() {
    int limit = in.position();
    for (int i = 0; i < limit; i++) {
      if (in.get(i) == '\n') {
        if (i + 1 < limit && in.get(i + 1) == '\n') {
          return i + 2;
        }
        if (i + 2 < limit && in.get(i + 1) == '\r' && in.get(i + 2) == '\n') {
          return i + 3;
        }
      }
    }
    return -1;
  }

  private String ascii(int from, int to) {
    byte[] b = new byte[to - from];
    in.get(from, b);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /** Parses a request head; null if it is malformed. A chunked body is a bodyLength of -1. */
  static Head parse(String text) {
    String[] lines = text.split("\n"); // a one-char split takes String's fast path, no regex
    String[] first = stripCr(lines[0]).split(" ", -1);
    if (first.length != 3 || first[0].isEmpty() || first[1].isEmpty()) {
      return null;
    }
    boolean http10;
    if (first[2].equals("HTTP/1.1")) {
      http10 = false;
    } else if (first[2].equals("HTTP/1.0")) {
      http10 = true;
    } else {
      return null;
    }
    String connection = "";
    long length = 0;
    for (int i = 1; i < lines.length; i++) {
      String line = stripCr(lines[i]);
      if (line.isEmpty()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        return null;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "connection" -> connection = value.toLowerCase(Locale.ROOT);
        case "content-length" -> {
          try {
            length = Long.parseLong(value);
          } catch (NumberFormatException e) {
            return null;
          }
          if (length < 0) {
            return null;
          }
        }
        case "transfer-encoding" -> length = -1;
        default -> {
          // not needed to serve files
        }
      }
    }
    boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
    return new Head(first[0], first[1], keepAlive, http10, length);
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private void discardBody(long length) throws IOException {
    long left = length;
    int buffered = Math.min(in.position(), (int) Math.min(left, Integer.MAX_VALUE));
    if (buffered > 0) {
      in.flip().position(buffered);
      in.compact();
      left -= buffered;
    }
    ByteBuffer sink = ByteBuffer.allocate(8192);
    while (left > 0) {
      sink.clear().limit((int) Math.min(sink.capacity(), left));
      int n = ch.read(sink);
      if (n < 0) {
        throw new EOFException("connection closed inside a request body");
      }
      left -= n;
    }
  }

  /** Status line and headers; {@code length} < 0 means none is sent. */
  private void head(int status, long length, boolean keepAlive, boolean http10, boolean ok) {
    out.clear();
    put("HTTP/1.1 ").put(Integer.toString(status)).put(" ").put(reason(status));
    put("\r\nDate: ").put(date());
    put(ok ? "\r\nContent-Type: application/octet-stream" : "\r\nContent-Type: text/plain");
    if (status == 405) {
      put("\r\nAllow: GET, HEAD");
    }
    if (length >= 0) {
      put("\r\nContent-Length: ").put(Long.toString(length));
    }
    if (!keepAlive) {
      put("\r\nConnection: close");
    } else if (http10) {
      put("\r\nConnection: keep-alive");
    }
    put("\r\n\r\n");
    out.flip();
  }

  private HttpConnection put(String s) {
    for (int i = 0; i < s.length(); i++) {
      out.put((byte) s.charAt(i));
    }
    return this;
  }

  /** A short text answer (404, 503, …); returns whether the connection stays open. */
  boolean sendStatus(int status, Head h) throws IOException {
    byte[] body = (status + "\n").getBytes(StandardCharsets.US_ASCII);
    head(status, body.length, h.keepAlive(), h.http10(), false);
    if (h.method().equals("HEAD")) {
      writeFully(out);
    } else {
      writeFully(out, ByteBuffer.wrap(body));
    }
    return h.keepAlive();
  }

  private void sendError(int status, boolean keepAlive) throws IOException {
    byte[] body = (status + "\n").getBytes(StandardCharsets.US_ASCII);
    head(status, body.length, keepAlive, false, false);
    writeFully(out, ByteBuffer.wrap(body));
  }

  /**
   * Sends {@code file} (already open, {@code size} bytes) with a 200; with {@code dropMidway} only
   * half of it, then the connection is cut. Returns the body bytes sent, or -1 if the connection
   * must be closed.
   */
  long sendFile(FileChannel file, long size, Head h, boolean dropMidway) throws IOException {
    boolean headOnly = h.method().equals("HEAD");
    head(200, size, h.keepAlive(), h.http10(), true);
    if (headOnly) {
      writeFully(out);
      return 0;
    }
    long send = dropMidway ? size / 2 : size;
    if (size <= SMALL_FILE) {
      if (small == null) {
        small = ByteBuffer.allocateDirect(SMALL_FILE);
      }
      small.clear().limit((int) send);
      while (small.hasRemaining()) {
        if (file.read(small, small.position()) < 0) {
          return -1; // the file shrank under us: cut rather than send a wrong length
        }
      }
      small.flip();
      writeFully(out, small);
    } else {
      writeFully(out);
      for (long pos = 0; pos < send; ) {
        long n = file.transferTo(pos, send - pos, ch);
        if (n <= 0) {
          return -1;
        }
        pos += n;
        lastProgress = System.nanoTime();
      }
    }
    return dropMidway ? -1 : size;
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
      lastProgress = System.nanoTime();
    }
  }

  private void writeFully(ByteBuffer a, ByteBuffer b) throws IOException {
    ByteBuffer[] both = {a, b};
    while (a.hasRemaining() || b.hasRemaining()) {
      ch.write(both);
      lastProgress = System.nanoTime();
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 411 -> "Length Required";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

  private static volatile long dateSecond = -1;
  private static volatile String dateText = "";

  /** The Date header, formatted once per second rather than per response. */
  private static String date() {
    long now = System.currentTimeMillis() / 1000;
    if (now != dateSecond) {
      dateText =
          HTTP_DATE.format(
              ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(now), ZoneOffset.UTC));
      dateSecond = now;
    }
    return dateText;
  }
}
