package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/graphql} without a running cluster: every request, however broken, gets a JSON
 * answer in GraphQL's shape and a 4xx, or the 503 of a cluster that is not ready; never a 500.
 */
class GraphQlRouteTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** As io.weaviate:client 5.5 writes a nearImage query (captured from its requests). */
  private static final String CLIENT_QUERY = "{Get{Image(where:{path:[\"tags\"] valueText:[\"cat\"] operator:ContainsAll} "
      + "nearImage:{image:\"iVBORw0KGgo=\" distance:0.3 targetVectors:[\"perceptual\"]} limit:5){tenant _additional{id distance certainty}}}}";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static HttpApi api;
  private static ImageFetcher fetcher;

  @BeforeAll
  static void start() {
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = new TopologyServices(new InMemorySchemaRegistryClient(), List.of(new PerceptualEmbedder()),
        new ImageDecoder(), url -> {
          throw new IllegalStateException("this test fetches nothing");
        }, Clock.systemUTC(), new SimpleMeterRegistry());
    api = HttpApi.start(LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0")), services, fetcher);
  }

  @AfterAll
  static void stop() {
    api.close();
    fetcher.close();
  }

  @Test
  void aBodyThatIsNoQueryIsABadRequestInGraphQlsShape() throws Exception {
    for (String body : List.of("", "not json", "[]", "{\"query\": 5}", "{\"query\": \"{ Get { Image { imageId } } }\", \"variables\": {\"a\": 1}}")) {
      JsonNode answer = answer(post(body), body);
      assertThat(answer.path("errors").get(0).path("extensions").path("code").asText()).as(body).isIn("BAD_REQUEST", "GRAPHQL_UNSUPPORTED");
    }
  }

  @Test
  void aValidQueryWaitsForTheClusterWithRetryAfter() throws Exception {
    HttpResponse<String> response = post(JSON.writeValueAsString(Map.of("query",
        "{ Get { Image(nearObject: {id: \"a\"}, where: {path: [\"tags\"], operator: Equal, valueText: \"cat\"}) { imageId } } }")));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).isPresent();
    assertThat(JSON.readTree(response.body()).path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("NOT_READY");
  }

  /** Seeded mutations of a real client query, sent through the route: the parser's property, end to end. */
  @Test
  void mutatedQueriesNeverGetAServerError() throws Exception {
    Random random = new Random(7);
    String alphabet = "{}()[]:,\"\\$@.#-0123456789abcXYZ_ ";
    for (int i = 0; i < 1_000; i++) {
      StringBuilder query = new StringBuilder(CLIENT_QUERY);
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(query.length() + 1);
        if (random.nextBoolean()) query.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        else if (at < query.length()) query.deleteCharAt(at);
      }
      String body = JSON.writeValueAsString(Map.of("query", query.toString()));
      answer(post(body), body);
    }
  }

  private static JsonNode answer(HttpResponse<String> response, String body) throws Exception {
    int status = response.statusCode();
    JsonNode answer = JSON.readTree(response.body());
    assertThat(status).as("%s -> %s", body, response.body()).isIn(400, 422, 503);
    assertThat(answer.path("errors").get(0).path("message").asText()).as(body).isNotBlank();
    assertThat(answer.path("error").get(0).path("message").asText()).as(body).isNotBlank();
    return answer;
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/graphql"))
        .header("content-type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
