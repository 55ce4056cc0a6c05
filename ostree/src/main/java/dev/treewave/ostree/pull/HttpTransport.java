package dev.treewave.ostree.pull;

import dev.treewave.ostree.repo.ContentSizeException;
import dev.treewave.ostree.repo.CorruptObjectException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain HTTP(S) GETs over one keep-alive {@link HttpClient}. Timeouts, connection failures,
 * truncated bodies and 5xx/408/429 answers are retried with exponential back-off and jitter; a 404
 * is "absent"; other statuses and verification failures are final.
 */
public final class HttpTransport implements Transport {
  private final String base;
  private final Duration connectTimeout;

  /**
   * For https:// remotes and redirects only, made on first use: plain http:// pulls never need it,
   * and building one loads java.net.http and starts its selector thread (start-up CPU a short pull
   * pays in full).
   */
  private HttpClient client;

  private final int retries;
  private final Duration requestTimeout;
  private final HttpOptions options;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger retried = new AtomicInteger();

  /** The fast path for plain http:// remotes; null for https (HttpClient does TLS). */
  private final Http1Connections plain;

  /** The raw path of {@link #base}, ending in '/'. */
  private final String basePath;

  public HttpTransport(
      String baseUrl, int retries, Duration connectTimeout, Duration requestTimeout) {
    this(
        baseUrl,
        HttpOptions.DEFAULTS
            .withRetries(retries)
            .withRequestTimeout(requestTimeout)
            .withConnectTimeout(connectTimeout));
  }

  public HttpTransport(String baseUrl, HttpOptions options) {
    this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.options = options;
    this.retries = options.retries();
    this.requestTimeout = options.requestTimeout();
    this.connectTimeout = options.connectTimeout();
    URI b = URI.create(this.base);
    this.basePath = b.getRawPath() == null || b.getRawPath().isEmpty() ? "/" : b.getRawPath();
    this.plain =
        "http".equalsIgnoreCase(b.getScheme()) && b.getHost() != null
            ? new Http1Connections(b, connectTimeout, readStallLimit(options))
            : null;
  }

  /**
   * The plain client's socket read timeout: a static server that sends nothing for this long is
   * stuck (the transfer is retried on a new connection), however long the whole body may take. At
   * most the low-speed time: a silent server is slower than any limit.
   */
  static Duration readStallLimit(HttpOptions o) {
    Duration d =
        readStallLimit(o.requestTimeout().isZero() ? Duration.ofMinutes(5) : o.requestTimeout());
    return o.lowSpeedEnabled() && o.lowSpeedTime().compareTo(d) < 0 ? o.lowSpeedTime() : d;
  }

  static Duration readStallLimit(Duration requestTimeout) {
    return requestTimeout.compareTo(Duration.ofSeconds(60)) < 0
        ? requestTimeout
        : Duration.ofSeconds(60);
  }

  public HttpTransport(String baseUrl) {
    this(baseUrl, HttpOptions.DEFAULTS);
  }

  /** How many attempts were repeated (for tests and progress). */
  public int retriedAttempts() {
    return retried.get();
  }

  @Override
  public <T> Optional<T> get(String path, BodyReader<T> reader) {
    String encoded = encodePath(path);
    String url = base + encoded;
    HttpRequest req = null; // built only if HttpClient is needed
    for (int attempt = 0; ; attempt++) {
      String failure;
      Throwable cause = null;
      long started = System.nanoTime();
      try {
        int status = -1;
        InputStream raw = null;
        if (plain != null) {
          Http1Connections.Response r = plain.get(basePath + encoded);
          status = r.status();
          if (status >= 300 && status < 400) {
            r.body().close(); // a redirect: HttpClient follows it
          } else {
            raw = r.body();
          }
        }
        if (raw == null) {
          if (req == null) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).GET();
            req = (requestTimeout.isZero() ? rb : rb.timeout(requestTimeout)).build();
          }
          HttpResponse<InputStream> resp =
              client().send(req, HttpResponse.BodyHandlers.ofInputStream());
          status = resp.statusCode();
          raw = resp.body();
        }
        try (InputStream body =
            new CountingInputStream(
                new TransferGuard(raw, url, options, started, System::nanoTime), bytes)) {
          if (status == 200) {
            return Optional.of(reader.read(body));
          }
          body.readNBytes(64 * 1024); // an error page; an endless one is cut, not buffered
        }
        if (status == 404 || status == 410) {
          return Optional.empty();
        }
        if (status < 500 && status != 408 && status != 429) {
          throw new PullException("Server returned HTTP " + status + " for " + url);
        }
        failure = "HTTP " + status;
      } catch (IOException e) {
        if (deterministic(e)) {
          throw new PullException("Corrupted data from " + url + ": " + e.getMessage(), e);
        }
        failure = e instanceof TransferGuard.TooSlowException ? e.getMessage() : e.toString();
        cause = e;
      } catch (CorruptObjectException e) {
        throw e;
      } catch (RuntimeException e) {
        if (deterministic(e)) {
          throw new PullException("Corrupted data from " + url + ": " + e.getMessage(), e);
        }
        if (!causedByIo(e)) {
          throw e;
        }
        failure = e.getMessage();
        cause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PullException("Interrupted while fetching " + url, e);
      }
      if (attempt >= retries) {
        throw new PullException(
            "Fetching " + url + " failed after " + (attempt + 1) + " attempts: " + failure, cause);
      }
      retried.incrementAndGet();
      backoff(attempt);
    }
  }

  private synchronized HttpClient client() {
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(connectTimeout)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
    }
    return client;
  }

  /**
   * Whether a failure lies in the data, not the network: content longer or shorter than its header
   * declares, or a corrupt deflate stream. Fetching again gives the same bytes, so it is not
   * retried.
   */
  static boolean deterministic(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ContentSizeException || c instanceof java.util.zip.ZipException) {
        return true;
      }
    }
    return false;
  }

  static boolean causedByIo(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static void backoff(int attempt) {
    long ms = Math.min(5000, 100L << Math.min(attempt, 6));
    ms = ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1);
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PullException("Interrupted while backing off", e);
    }
  }

  /** Percent-encodes only what must be; keeps '/' and '+' (delta names contain '+'). */
  static String encodePath(String path) {
    StringBuilder sb = new StringBuilder();
    for (byte b : path.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "/-._~+".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format("%02X", c));
      }
    }
    return sb.toString();
  }

  @Override
  public long bytesTransferred() {
    return bytes.get();
  }

  @Override
  public String describe() {
    return base;
  }

  @Override
  public void close() {
    // HttpClient has no close() before Java 21; its threads are daemon threads.
    if (plain != null) {
      plain.close();
    }
  }
}
