package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.server.TestServices;
import dev.lookalike.topology.TopologyServices;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Refusals made before or around a route (a body over the limit, a long request target, a method
 * the path does not take) come in the called API's own error shape, as openapi.yaml documents
 * them: a Weaviate client reads {@code error[0].message}, a CoreViz client a string {@code error}.
 * They came in Lookalike's shape on every path.
 */
class ErrorShapeOutsideRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final int MAX_IMAGE_BYTES = 64 * 1024;
  private static HttpApi api;
  private static ImageFetcher fetcher;
  private static String base;

  @BeforeAll
  static void start() {
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = TestServices.perceptual(fetcher);
    api = HttpApi.start(LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.IMAGE_MAX_BYTES, String.valueOf(MAX_IMAGE_BYTES))), services, fetcher);
    base = "http://127.0.0.1:" + api.port();
  }

  @AfterAll
  static void stop() {
    api.close();
    fetcher.close();
  }

  @Test
  void aBodyOverTheLimitIsRefusedInEachApisShape() throws Exception {
    byte[] big = new byte[MAX_IMAGE_BYTES * 4]; // the limit is image.max.bytes * 4/3 + 64 KiB
    for (boolean chunked : List.of(false, true)) {
      HttpResponse<String> graphQl = post("/v1/graphql", big, chunked);
      assertThat(graphQl.statusCode()).as(graphQl.body()).isEqualTo(413);
      JsonNode answer = JSON.readTree(graphQl.body());
      assertThat(answer.path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
      assertThat(answer.path("error").get(0).path("message").asText()).isNotBlank();

      HttpResponse<String> coreViz = post("/api/ai/embeddings", big, chunked);
      assertThat(coreViz.statusCode()).as(coreViz.body()).isEqualTo(413);
      answer = JSON.readTree(coreViz.body());
      assertThat(answer.path("error").asText()).as(coreViz.body()).isEqualTo("Payload Too Large");
      assertThat(answer.path("message").asText()).isNotBlank();

      for (String azure : List.of("/images/embeddings", "/computervision/retrieval:vectorizeText", "/v1/search")) {
        HttpResponse<String> response = post(azure, big, chunked);
        assertThat(response.statusCode()).as(azure).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).as(azure).isEqualTo("PAYLOAD_TOO_LARGE");
      }
    }
  }

  @Test
  void aLongTargetAndAWrongMethodComeInTheSameShapes() throws Exception {
    String longQuery = "?x=" + "a".repeat(HttpApi.MAX_URI_CHARS);
    HttpResponse<String> graphQl = post("/v1/graphql" + longQuery, "{}".getBytes(), false);
    assertThat(graphQl.statusCode()).isEqualTo(414);
    assertThat(JSON.readTree(graphQl.body()).path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("URI_TOO_LONG");

    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/ai/embeddings")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    assertThat(JSON.readTree(get.body()).path("error").asText()).isEqualTo("Method Not Allowed");
  }

  /** Javalin streams only when Accept names text/event-stream; anyone else got an empty 200 text/plain. */
  @Test
  void theLiveStreamWithoutAnEventStreamAcceptIsABadRequest() throws Exception {
    for (String accept : List.of("application/json", "*/*")) {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + DuplicateRoutes.LIVE_PATH))
          .header("accept", accept).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(accept).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).path("error").path("message").asText()).contains("text/event-stream");
    }
  }

  private static HttpResponse<String> post(String path, byte[] body, boolean chunked) throws Exception {
    HttpRequest.BodyPublisher publisher = chunked
        ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
        : HttpRequest.BodyPublishers.ofByteArray(body);
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "application/json").POST(publisher).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
