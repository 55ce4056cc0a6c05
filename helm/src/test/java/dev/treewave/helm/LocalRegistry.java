package dev.treewave.helm;

import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI distribution registry ({@code distribution/v3}'s {@code registry}, built from Go
 * modules by {@code helm/registry/build.sh}) as a child process on 127.0.0.1, plain HTTP, storing
 * into a directory of the caller's; {@link #close()} stops it. Reads go through the registry's own
 * HTTP API, so what a test checks is what any client would pull.
 */
final class LocalRegistry implements AutoCloseable {
  static final String MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private static final Path BUILD_SCRIPT = Chart.DIR.resolve("../registry/build.sh");
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** A manifest as served: its Content-Type, its Docker-Content-Digest header and its bytes. */
  record Manifest(String mediaType, String digestHeader, byte[] body) {}

  private final Process process;
  private final Path log;
  private final String address;

  private LocalRegistry(Process process, Path log, String address) {
    this.process = process;
    this.log = log;
    this.address = address;
  }

  /**
   * Builds the registry binary if the cache lacks it (bin/setup builds it ahead), then starts it.
   */
  static LocalRegistry start(Path dir) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("bash", BUILD_SCRIPT.toString());
    String cache = System.getProperty("treewave.cache");
    if (cache != null) {
      builder.environment().put("TREEWAVE_CACHE", cache);
    }
    Processes.Result build = Processes.run(builder, BUILD_TIMEOUT);
    if (build.exitCode() != 0) {
      throw RequiredTool.missing(
          "the registry could not be built (run bin/setup): " + build.stderr().strip());
    }
    Path binary = Path.of(build.stdout().strip());
    String address = "127.0.0.1:" + freeLoopbackPort();
    Path storage = Files.createDirectories(dir.resolve("storage"));
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "version: 0.1",
            "log: {level: info}",
            "storage: {filesystem: {rootdirectory: '" + storage + "'}}",
            "http: {addr: '" + address + "'}",
            ""));
    Path log = dir.resolve("registry.log");
    ProcessBuilder serve =
        new ProcessBuilder(binary.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // Its OpenTelemetry tracing would otherwise try to export to a collector that is not there.
    serve.environment().put("OTEL_TRACES_EXPORTER", "none");
    LocalRegistry registry = new LocalRegistry(serve.start(), log, address);
    try {
      registry.awaitReady();
    } catch (RuntimeException | IOException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** HOST:PORT, the registry part of an image name. */
  String address() {
    return address;
  }

  /** The manifest {@code repository:reference} as the registry serves it to a multi-arch client. */
  Manifest manifest(String repository, String reference) throws IOException {
    HttpResponse<byte[]> response =
        send(
            HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header(
                    "Accept", String.join(",", MANIFEST_LIST, OCI_INDEX, MANIFEST, OCI_MANIFEST))
                .GET());
    expect(response, 200);
    return new Manifest(
        response.headers().firstValue("Content-Type").orElse(""),
        response.headers().firstValue("Docker-Content-Digest").orElse(""),
        response.body());
  }

  /** A blob's bytes, checked against the digest that names them. */
  byte[] blob(String repository, String digest) throws IOException {
    HttpResponse<byte[]> response =
        send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + digest)).GET());
    expect(response, 200);
    if (!sha256(response.body()).equals(digest)) {
      throw new IllegalStateException("blob " + digest + " does not match its digest");
    }
    return response.body();
  }

  /** Stores a manifest under {@code tag}; returns the digest the registry gives it. */
  String putManifest(String repository, String tag, String mediaType, byte[] body)
      throws IOException {
    HttpResponse<byte[]> response =
        send(
            HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    expect(response, 201);
    return response.headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A port on 127.0.0.1 that nothing listens on (just now): for the registry, or for none. */
  static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the registry exited with code " + process.exitValue() + ":\n" + tail());
      }
      try {
        if (send(HttpRequest.newBuilder(uri("/v2/")).GET()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // polled again below until the deadline
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the registry did not answer within " + STARTUP + tail());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the registry", e);
      }
    }
  }

  private URI uri(String path) {
    return URI.create("http://" + address + path);
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
    try {
      return HTTP.send(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private void expect(HttpResponse<byte[]> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          response.request().method()
              + " "
              + response.uri()
              + ": HTTP "
              + response.statusCode()
              + " "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ")";
    }
  }
}
