package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.server.TestServices;
import dev.lookalike.topology.TopologyServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    TopologyServices services = TestServices.perceptual(fetcher);
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

  /**
   * Jetty lets an encoded slash through (ids need it, see below); decoded, it must not walk out of
   * the page's folder: openapi.yaml sits one level above it on the classpath.
   */
  @Test
  void anEncodedSlashNeverReachesAFileBesideThePage() throws Exception {
    assertThat(send(HttpRequest.newBuilder(URI.create(base + "/openapi.yaml")).GET()).statusCode()).as("the route itself").isEqualTo(200);
    for (String path : List.of("/..%2Fopenapi.yaml", "/web%2F..%2Fopenapi.yaml", "/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/%2e%2e/openapi.yaml",
        "/%2e%2e%2Fopenapi.yaml", "/x/..%2F..%2Fopenapi.yaml")) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + path)).GET());
      assertThat(response.statusCode()).as(path).isBetween(400, 499);
      assertThat(response.body()).as(path).doesNotContain("openapi:").doesNotContain("root:");
      assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).as(path).isNotBlank();
    }
  }

  @Test
  void anIdWithAnEncodedSlashReachesTheImageRoutes() throws Exception {
    // No stream runs here, so the lookup cannot answer: the 503 says the route was reached with the
    // decoded id, where a refusal of the URI itself would be a 400.
    for (String path : List.of("/v1/images/albums%2F2026%2Fcat.png", "/v1/images/albums%2F2026%2Fcat.png/similar", "/v1/images/100%25%2Fcat")) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + path)).GET());
      assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(503);
    }
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
