package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lookalike.config.LookalikeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A tenant may hold only so many live near-duplicate streams; one more gets a JSON 429 until one leaves. */
class LiveStreamLimitTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES) // reading a stream's first line blocks if the server never sends it
  void aTenantOverItsLiveClientsIsRefusedUntilOneLeaves() throws Exception {
    try (LiveStreamServer server = LiveStreamServer.start(Map.of(LookalikeConfig.HTTP_MAX_LIVE_CLIENTS_PER_TENANT, "2"))) {
      HttpApi api = server.api;
      String url = server.liveUrl();
      HttpResponse<Stream<String>> first = open(url);
      HttpResponse<Stream<String>> second = open(url);

      HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("accept", "text/event-stream").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      assertThat(refused.body()).contains("TOO_MANY_LIVE_CLIENTS");
      assertThat(refused.headers().firstValue("retry-after")).isPresent();
      HttpResponse<Stream<String>> otherTenant = open(url + "?tenant=other");
      assertThat(api.liveClients()).isEqualTo(3);

      first.body().close();
      // The server notices a gone client at its next keep-alive write (DuplicateRoutes.KEEP_ALIVE_SECONDS).
      await().atMost(Duration.ofSeconds(45)).until(() -> api.liveClients() == 2);
      HttpResponse<Stream<String>> again = open(url);
      assertThat(api.liveClients()).isEqualTo(3);
      Stream.of(second, otherTenant, again).forEach(r -> r.body().close());
    }
  }

  /** Opens a stream and reads its opening comment. */
  private static HttpResponse<Stream<String>> open(String url) throws Exception {
    HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body().findFirst()).as("the opening comment").hasValueSatisfying(l -> assertThat(l).startsWith(":").contains("near-duplicate events"));
    return response;
  }
}
