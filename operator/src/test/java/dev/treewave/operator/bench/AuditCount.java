package dev.treewave.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts one user's requests from the kube-apiserver's audit log: the server's own record, so
 * client retries, informer relists and lease renewals all count. A watch logs two stages
 * (ResponseStarted, ResponseComplete) under one audit ID, so requests are counted by audit ID.
 */
final class AuditCount {
  private AuditCount() {}

  /** The audit policy: {@code user}'s requests at Metadata level, nobody else's. */
  static String policy(String user) {
    return String.join(
        "\n",
        "apiVersion: audit.k8s.io/v1",
        "kind: Policy",
        "omitStages: [RequestReceived]",
        "rules:",
        "- level: Metadata",
        "  users: [\"" + user + "\"]",
        "- level: None",
        "");
  }

  /**
   * @param total distinct requests
   * @param byVerbAndResource e.g. {@code "list nodes" -> 12}, largest first
   */
  record Result(int total, Map<String, Integer> byVerbAndResource) {
    /** The counts whose verb is one of {@code verbs}, e.g. the informers' lists and watches. */
    String verbs(String... verbs) {
      Set<String> wanted = Set.of(verbs);
      StringBuilder out = new StringBuilder();
      byVerbAndResource.forEach(
          (key, count) -> {
            if (wanted.contains(key.substring(0, key.indexOf(' ')))) {
              out.append(out.length() == 0 ? "" : ", ").append(key).append(' ').append(count);
            }
          });
      return out.toString();
    }

    /** Requests with this verb and resource, refused ones included. */
    int count(String verb, String resource) {
      String key = verb + " " + resource;
      return byVerbAndResource.getOrDefault(key, 0)
          + byVerbAndResource.getOrDefault(key + " (429)", 0);
    }

    String top(int n) {
      StringBuilder out = new StringBuilder();
      byVerbAndResource.entrySet().stream()
          .limit(n)
          .forEach(
              e ->
                  out.append(out.length() == 0 ? "" : ", ")
                      .append(e.getKey())
                      .append(' ')
                      .append(e.getValue()));
      return out.toString();
    }
  }

  static Result read(Path log) {
    ObjectMapper json = new ObjectMapper();
    Set<String> seen = new HashSet<>();
    Map<String, Integer> counts = new TreeMap<>();
    try (BufferedReader in = Files.newBufferedReader(log)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = json.readTree(line);
        if (!seen.add(event.path("auditID").asText())) {
          continue;
        }
        JsonNode ref = event.path("objectRef");
        String resource =
            ref.path("resource").asText("-")
                + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "");
        // Refused evictions (429: a budget allows none now) apart from the ones that went through.
        String refused = event.path("responseStatus").path("code").asInt() == 429 ? " (429)" : "";
        counts.merge(event.path("verb").asText() + " " + resource + refused, 1, Integer::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the audit log " + log, e);
    }
    Map<String, Integer> sorted = new LinkedHashMap<>();
    List<Map.Entry<String, Integer>> entries =
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .toList();
    entries.forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return new Result(seen.size(), sorted);
  }
}
