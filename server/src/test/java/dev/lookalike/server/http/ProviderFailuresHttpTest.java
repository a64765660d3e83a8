package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.hosted.AzureVisionConfig;
import dev.lookalike.embedding.hosted.AzureVisionEmbedder;
import dev.lookalike.embedding.hosted.CircuitBreakerConfig;
import dev.lookalike.embedding.hosted.HostedClientConfig;
import dev.lookalike.embedding.hosted.RetryPolicy;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.topology.TopologyServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hosted embedding provider that fails, seen through every HTTP shape that embeds: an outage is
 * a 503 with Retry-After, a refused input a 422, a refused key a 502 — never the 500 of an
 * unexpected error (which is what a provider failure used to be).
 */
class ProviderFailuresHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final byte[] PNG = TestImages.encode(TestImages.generate(12), "png");
  private static final String DATA_URL = "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);
  private static final AtomicReference<MockResponse> PROVIDER_ANSWER = new AtomicReference<>();
  private static MockWebServer provider;
  private static AzureVisionEmbedder hosted;
  private static ImageFetcher fetcher;
  private static HttpApi api;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    provider = new MockWebServer();
    provider.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return PROVIDER_ANSWER.get();
      }
    });
    provider.start();
    HostedClientConfig client = HostedClientConfig.defaults().withRetry(RetryPolicy.noRetries(Duration.ofSeconds(10)))
        .withCircuitBreaker(new CircuitBreakerConfig(1_000, Duration.ofSeconds(1)));
    // Named as the default vector, so every route that embeds calls this provider.
    hosted = new AzureVisionEmbedder("perceptual", AzureVisionConfig.of(provider.url("/").toString(), "key").withDimensions(0) // learned from the first answer
        .withClient(client));
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = new TopologyServices(new InMemorySchemaRegistryClient(), List.of(hosted), new ImageDecoder(),
        url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), new SimpleMeterRegistry());
    api = HttpApi.start(LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0")), services, fetcher);
    base = "http://127.0.0.1:" + api.port();
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
    fetcher.close();
    hosted.close();
    provider.shutdown();
  }

  @Test
  void anOutageIs503WithTheProvidersRetryAfterInEveryShape() throws Exception {
    PROVIDER_ANSWER.set(new MockResponse().setResponseCode(429).setHeader("Retry-After", "7")
        .setBody("{\"error\":{\"code\":\"429\",\"message\":\"slow down\"}}"));
    HttpResponse<String> azure = postImage("/computervision/retrieval:vectorizeImage");
    assertThat(azure.statusCode()).as(azure.body()).isEqualTo(503);
    assertThat(azure.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(json(azure).path("error").path("code").asText()).isEqualTo("PROVIDER_RATE_LIMITED");

    PROVIDER_ANSWER.set(new MockResponse().setResponseCode(503).setBody("down"));
    HttpResponse<String> ours = post("/v1/search", "{\"nearImage\":{\"image\":\"" + DATA_URL + "\"}}");
    assertThat(ours.statusCode()).as(ours.body()).isEqualTo(503);
    assertThat(ours.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(ours).path("error").path("code").asText()).isEqualTo("PROVIDER_UNAVAILABLE");
    assertThat(json(ours).path("error").path("message").asText()).contains("embedding provider");

    HttpResponse<String> coreViz = post("/api/ai/embeddings", "{\"image\":\"" + DATA_URL + "\"}");
    assertThat(coreViz.statusCode()).as(coreViz.body()).isEqualTo(503);
    assertThat(coreViz.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(coreViz).path("error").asText()).isEqualTo("Service Unavailable");

    HttpResponse<String> foundry = post("/images/embeddings", "{\"input\":[{\"image\":\"" + DATA_URL + "\"}]}");
    assertThat(foundry.statusCode()).as(foundry.body()).isEqualTo(503);
    assertThat(json(foundry).path("error").path("code").asText()).isEqualTo("PROVIDER_UNAVAILABLE");
  }

  @Test
  void aRefusedInputIs422AndARefusedKey502() throws Exception {
    PROVIDER_ANSWER.set(new MockResponse().setResponseCode(400).setBody("{\"error\":{\"code\":\"InvalidImageFormat\",\"message\":\"no\"}}"));
    HttpResponse<String> rejected = post("/v1/search", "{\"nearImage\":{\"image\":\"" + DATA_URL + "\"}}");
    assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(422);
    assertThat(json(rejected).path("error").path("code").asText()).isEqualTo("PROVIDER_REJECTED_INPUT");

    PROVIDER_ANSWER.set(new MockResponse().setResponseCode(401).setBody("{\"error\":{\"code\":\"401\",\"message\":\"bad key\"}}"));
    HttpResponse<String> key = postImage("/computervision/retrieval:vectorizeImage");
    assertThat(key.statusCode()).as(key.body()).isEqualTo(502);
    assertThat(json(key).path("error").path("code").asText()).isEqualTo("PROVIDER_AUTH_FAILED");
  }

  @Test
  void askedDimensionsAreCheckedAgainstTheAnswerWhenTheModelLearnsItsSize() throws Exception {
    PROVIDER_ANSWER.set(new MockResponse().setResponseCode(200).setHeader("content-type", "application/json")
        .setBody("{\"modelVersion\":\"2023-04-15\",\"vector\":[0.6,0.8,0.0]}"));
    HttpResponse<String> wrong = post("/images/embeddings", "{\"input\":[{\"image\":\"" + DATA_URL + "\"}],\"dimensions\":5}");
    assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(422);
    assertThat(json(wrong).path("error").path("code").asText()).isEqualTo("UnsupportedParameter");
    HttpResponse<String> right = post("/images/embeddings", "{\"input\":[{\"image\":\"" + DATA_URL + "\"}],\"dimensions\":3}");
    assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
    assertThat(json(right).path("data").get(0).path("embedding")).hasSize(3);
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postImage(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "image/png")
        .POST(HttpRequest.BodyPublishers.ofByteArray(PNG)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }
}
