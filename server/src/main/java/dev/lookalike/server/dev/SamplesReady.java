package dev.lookalike.server.dev;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Waits until the HTTP API has every sample image embedded and searchable, so the banner's curl
 * examples answer as soon as they are pasted, not with a 404 or PENDING while images are
 * still being processed.
 */
final class SamplesReady {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final ObjectMapper JSON = new ObjectMapper();

  private SamplesReady() {}

  /** @return true once {@code GET /v1/images/{id}} is 200 and not PENDING for every id, false at the deadline */
  static boolean await(String httpUrl, List<String> ids, Duration timeout) throws InterruptedException {
    return await(httpUrl, ids, timeout, Optional.empty());
  }

  /** The same over HTTPS, trusting {@code tls} (the service's own certificate). */
  static boolean await(String httpUrl, List<String> ids, Duration timeout, Optional<SSLContext> tls) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Deque<String> pending = new ArrayDeque<>(ids);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    tls.ifPresent(builder::sslContext);
    try (HttpClient http = builder.build()) {
      while (!pending.isEmpty()) {
        if (isKnown(http, httpUrl, pending.peek())) {
          pending.pop();
          continue;
        }
        if (System.nanoTime() - deadline >= 0) return false;
        Thread.sleep(POLL_INTERVAL); // paces the polling; the condition is what we wait for
      }
      return true;
    }
  }

  private static boolean isKnown(HttpClient http, String httpUrl, String id) throws InterruptedException {
    URI uri = URI.create(httpUrl + "/v1/images/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && !"PENDING".equals(JSON.readTree(response.body()).path("status").asText());
    } catch (IOException notYet) {
      return false;
    }
  }
}
