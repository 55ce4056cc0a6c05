package dev.treewave.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the agent's loop is alive), {@code /readyz} (it watches its OSNode and has
 * reported at least once) and {@code /metrics} (Prometheus text) on the JDK's HTTP server: no extra
 * dependency and a few hundred kilobytes of heap.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  public HealthServer(
      String address,
      int port,
      BooleanSupplier live,
      BooleanSupplier ready,
      Supplier<String> metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(address, port), 16);
    server.setExecutor(Executors.newSingleThreadExecutor(daemon()));
    server.createContext("/healthz", exchange -> probe(exchange, live, "live"));
    server.createContext("/readyz", exchange -> probe(exchange, ready, "ready"));
    server.createContext(
        "/metrics",
        exchange -> {
          if (allowedMethod(exchange)) {
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
          }
        });
    server.start();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private static void probe(HttpExchange exchange, BooleanSupplier check, String what)
      throws IOException {
    if (!allowedMethod(exchange)) {
      return;
    }
    boolean ok;
    try {
      ok = check.getAsBoolean();
    } catch (RuntimeException e) {
      ok = false;
    }
    respond(
        exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not " + what + "\n");
  }

  private static boolean allowedMethod(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
    return false;
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "treewave-agent-http");
      thread.setDaemon(true);
      return thread;
    };
  }
}
