package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.operator.rollout.CommitResolver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Reads {@code refs/heads/<ref>} from an archive-mode OSTree repository over HTTP: the same file
 * ostree's own pull reads when no summary is used. A pinned commit wins without any request.
 */
public final class HttpCommitResolver implements CommitResolver {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{64}");
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Override
  public String resolve(ImageSource source) throws IOException, InterruptedException {
    if (source.commit() != null) {
      return source.commit();
    }
    String base = source.url().endsWith("/") ? source.url() : source.url() + "/";
    URI uri = URI.create(base + "refs/heads/" + source.ref());
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered HTTP " + response.statusCode());
    }
    String commit = response.body().trim();
    if (!COMMIT.matcher(commit).matches()) {
      throw new IOException(uri + " does not hold a commit checksum");
    }
    return commit;
  }
}
