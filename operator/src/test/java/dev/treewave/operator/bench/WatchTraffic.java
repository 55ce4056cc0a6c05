package dev.treewave.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watch events the API server sent, per resource, from its own metrics ({@code
 * apiserver_watch_events_total} and {@code apiserver_watch_events_sizes_sum}): to every watcher,
 * not only the operator, but it shows which kinds carry the bytes an operator has to decrypt and
 * decode.
 */
final class WatchTraffic {
  private static final Pattern LINE =
      Pattern.compile(
          "^(apiserver_watch_events_total|apiserver_watch_events_sizes_sum)\\{([^}]*)} (\\S+)$");
  private static final Pattern RESOURCE = Pattern.compile("(?:kind|resource)=\"([^\"]*)\"");
  private static final Pattern WATCHES =
      Pattern.compile("^apiserver_longrunning_requests\\{([^}]*verb=\"WATCH\"[^}]*)} (\\S+)$");
  private static final Pattern PLURAL = Pattern.compile("(?<![a-z])resource=\"([^\"]*)\"");

  /** Events and bytes for one resource. */
  record Count(double events, double bytes) {
    Count minus(Count o) {
      return new Count(events - o.events, bytes - o.bytes);
    }
  }

  private WatchTraffic() {}

  /** The API server's metrics text, fetched once per reading and parsed by the methods below. */
  static String metrics(KubernetesClient admin) {
    return admin.raw("/metrics");
  }

  static Map<String, Count> counts(String metrics) {
    Map<String, Count> counts = new TreeMap<>();
    for (String line : metrics.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Matcher r = RESOURCE.matcher(m.group(2));
      String resource = r.find() ? r.group(1) : "?";
      double value = Double.parseDouble(m.group(3));
      Count c = counts.getOrDefault(resource, new Count(0, 0));
      counts.put(
          resource,
          m.group(1).endsWith("_total")
              ? new Count(c.events() + value, c.bytes())
              : new Count(c.events(), c.bytes() + value));
    }
    return counts;
  }

  /** "resource count" of the watches open now, to every watcher: who the events went to. */
  static String openWatches(String metrics) {
    Map<String, Double> open = new TreeMap<>();
    for (String line : metrics.split("\n")) {
      Matcher m = WATCHES.matcher(line);
      if (m.matches()) {
        Matcher r = PLURAL.matcher(m.group(1));
        open.merge(r.find() ? r.group(1) : "?", Double.parseDouble(m.group(2)), Double::sum);
      }
    }
    StringBuilder text = new StringBuilder();
    open.forEach(
        (resource, count) -> {
          if (count > 0) {
            text.append(text.length() > 0 ? ", " : "")
                .append(resource)
                .append(' ')
                .append(String.format("%.0f", count));
          }
        });
    return text.toString();
  }

  /** "resource: events (MiB)" for the senders of 100 events or more between two reads. */
  static String since(Map<String, Count> before, Map<String, Count> after) {
    StringBuilder text = new StringBuilder();
    after.entrySet().stream()
        .map(
            e ->
                Map.entry(
                    e.getKey(),
                    e.getValue().minus(before.getOrDefault(e.getKey(), new Count(0, 0)))))
        .filter(e -> e.getValue().events() >= 100)
        .sorted((a, b) -> Double.compare(b.getValue().bytes(), a.getValue().bytes()))
        .forEach(
            e ->
                text.append(
                    String.format(
                        "%s%s %.0f (%.1f MiB)",
                        text.length() > 0 ? ", " : "",
                        e.getKey(),
                        e.getValue().events(),
                        e.getValue().bytes() / (1024.0 * 1024.0))));
    return text.toString();
  }
}
