package dev.treewave.ostree.pull;

import java.time.Duration;
import java.util.Map;

/**
 * Limits of the HTTP transport. A transfer averaging fewer than {@code lowSpeedLimitBytes} per
 * second over {@code lowSpeedTime} (libostree's remote options {@code low-speed-limit-bytes},
 * default 1000, and {@code low-speed-time-seconds}, default 30), or a request (headers and body)
 * running longer than {@code requestTimeout}, is aborted and counts as a network failure, retried
 * up to {@code retries} times (libostree's {@code n-network-retries}, default 5). A server that
 * sends nothing at all is caught by the same low-speed time. 0 disables a limit.
 */
public record HttpOptions(
    int retries,
    Duration connectTimeout,
    Duration requestTimeout,
    long lowSpeedLimitBytes,
    Duration lowSpeedTime) {

  public static final HttpOptions DEFAULTS =
      new HttpOptions(
          5, Duration.ofSeconds(30), Duration.ofMinutes(5), 1000, Duration.ofSeconds(30));

  public HttpOptions {
    if (retries < 0 || lowSpeedLimitBytes < 0) {
      throw new IllegalArgumentException("retries and low-speed limit must not be negative");
    }
    if (connectTimeout.isNegative() || requestTimeout.isNegative() || lowSpeedTime.isNegative()) {
      throw new IllegalArgumentException("timeouts must not be negative");
    }
  }

  public HttpOptions withRetries(int r) {
    return new HttpOptions(r, connectTimeout, requestTimeout, lowSpeedLimitBytes, lowSpeedTime);
  }

  public HttpOptions withConnectTimeout(Duration d) {
    return new HttpOptions(retries, d, requestTimeout, lowSpeedLimitBytes, lowSpeedTime);
  }

  public HttpOptions withRequestTimeout(Duration d) {
    return new HttpOptions(retries, connectTimeout, d, lowSpeedLimitBytes, lowSpeedTime);
  }

  public HttpOptions withLowSpeed(long bytesPerSecond, Duration time) {
    return new HttpOptions(retries, connectTimeout, requestTimeout, bytesPerSecond, time);
  }

  boolean lowSpeedEnabled() {
    return lowSpeedLimitBytes > 0 && !lowSpeedTime.isZero();
  }

  /**
   * These options overridden by a remote's config keys {@code low-speed-limit-bytes}, {@code
   * low-speed-time-seconds}, {@code request-timeout-seconds} and {@code n-network-retries}.
   */
  public HttpOptions withRemoteOptions(Map<String, String> remoteOptions) {
    HttpOptions o = this;
    String v;
    if ((v = remoteOptions.get("low-speed-limit-bytes")) != null) {
      o = o.withLowSpeed(number("low-speed-limit-bytes", v), o.lowSpeedTime);
    }
    if ((v = remoteOptions.get("low-speed-time-seconds")) != null) {
      o =
          o.withLowSpeed(
              o.lowSpeedLimitBytes, Duration.ofSeconds(number("low-speed-time-seconds", v)));
    }
    if ((v = remoteOptions.get("request-timeout-seconds")) != null) {
      o = o.withRequestTimeout(Duration.ofSeconds(number("request-timeout-seconds", v)));
    }
    if ((v = remoteOptions.get("n-network-retries")) != null) {
      o = o.withRetries((int) Math.min(Integer.MAX_VALUE, number("n-network-retries", v)));
    }
    return o;
  }

  private static long number(String key, String value) {
    try {
      long n = Long.parseLong(value.strip());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("Invalid " + key + " '" + value + "'");
  }
}
