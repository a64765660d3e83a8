package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.topology.TopologyServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ids no upload can have are refused before any store is asked: an 8 KB id used to travel to the
 * owning instance in a URL that instance refused with 414, which came back as a "retry" 503 forever.
 */
class ImageIdLimitsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String LONG_ID = "x".repeat(513);
  private static ImageFetcher fetcher;
  private static HttpApi api;
  private static String base;

  @BeforeAll
  static void start() {
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = new TopologyServices(new InMemorySchemaRegistryClient(), List.of(new PerceptualEmbedder()),
        new ImageDecoder(), url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), new SimpleMeterRegistry());
    api = HttpApi.start(LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0")), services, fetcher);
    base = "http://127.0.0.1:" + api.port();
  }

  @AfterAll
  static void stop() {
    api.close();
    fetcher.close();
  }

  @Test
  void anIdLongerThanAnyUploadMayHaveIsA400Everywhere() throws Exception {
    for (String path : List.of("/v1/images/" + LONG_ID, "/v1/images/" + LONG_ID + "/similar", "/v1/images/" + LONG_ID + "/duplicates",
        "/v1/images/" + LONG_ID + "/thumbnail")) {
      assertBadRequest(send(HttpRequest.newBuilder(URI.create(base + path)).GET()), path);
    }
    assertBadRequest(send(HttpRequest.newBuilder(URI.create(base + "/v1/search")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"nearObject\":{\"id\":\"" + LONG_ID + "\"}}"))), "nearObject");
  }

  @Test
  void anInternalLookupWithABadPartitionIsA400() throws Exception {
    assertBadRequest(send(HttpRequest.newBuilder(URI.create(base + "/internal/v1/stores/image-status/keys/x?partition=zero")).GET()),
        "internal lookup");
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertBadRequest(HttpResponse<String> response, String what) throws Exception {
    assertThat(response.statusCode()).as("%s: %s", what, response.body()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).isEqualTo("BAD_REQUEST");
  }
}
