package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.hosted.AzureVisionConfig;
import dev.lookalike.embedding.hosted.AzureVisionEmbedder;
import dev.lookalike.embedding.hosted.CoreVizConfig;
import dev.lookalike.embedding.hosted.CoreVizEmbedder;
import dev.lookalike.embedding.hosted.FoundryConfig;
import dev.lookalike.embedding.hosted.FoundryEmbedder;
import dev.lookalike.embedding.hosted.ProviderException;
import dev.lookalike.embedding.hosted.UploadFormat;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.server.TestServices;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.store.VectorMath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The hosted APIs' own request shapes, sent to Lookalike: by the provider clients of our
 * embedding module, unchanged, and by hand for the error cases.
 */
class SeedEndpointsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static HttpApi api;
  private static ImageFetcher fetcher;
  private static String base;
  private static final byte[] PNG = TestImages.encode(TestImages.generate(77), "png");
  private static float[] expected;

  @BeforeAll
  static void start() {
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0", LookalikeConfig.FETCH_ALLOW_PRIVATE_NETWORKS, "true"));
    fetcher = new ImageFetcher(FetcherConfig.defaults().withAllowPrivateNetworks(true));
    Embedder perceptual = new PerceptualEmbedder();
    TopologyServices services = new TopologyServices(new InMemorySchemaRegistryClient(), List.of(perceptual), new ImageDecoder(),
        url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), new SimpleMeterRegistry());
    api = HttpApi.start(config, services, fetcher);
    base = "http://127.0.0.1:" + api.port();
    expected = perceptual.embed(new ImageDecoder().decode(PNG));
  }

  @AfterAll
  static void stop() {
    api.close();
    fetcher.close();
  }

  private static DecodedImage image() {
    return new ImageDecoder().decode(PNG);
  }

  @Test
  void azureVisionClientsGetOurVectors() {
    AzureVisionConfig config = AzureVisionConfig.of(base, "any-key");
    config = new AzureVisionConfig(config.endpoint(), config.apiKey(), config.apiVersion(), config.modelVersion(), 0,
        config.textEnabled(), UploadFormat.png(4096), config.modelId(), config.client());
    try (AzureVisionEmbedder client = new AzureVisionEmbedder("v", config)) {
      assertThat(client.embed(image())).containsExactly(expected);
      assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(ProviderException.class, () -> client.embedText("a cat")))
          .satisfies(e -> {
            assertThat(e.httpStatus()).isEqualTo(422);
            assertThat(e.providerCode()).isEqualTo("TEXT_NOT_SUPPORTED");
          });
    }
  }

  @Test
  void azureVisionJsonUrlBodyIsFetched() throws Exception {
    try (MockWebServer images = new MockWebServer()) {
      images.enqueue(new MockResponse().setBody(new Buffer().write(PNG)).setHeader("content-type", "image/png"));
      HttpResponse<String> response = post("/computervision/retrieval:vectorizeImage?api-version=2024-02-01&model-version=2023-04-15",
          "application/json", "{\"url\":\"" + images.url("/a.png") + "\"}");
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.path("modelVersion").asText()).isEqualTo("2023-04-15");
      assertThat(floats(body.path("vector"))).containsExactly(expected);
    }
  }

  @Test
  void foundryClientsGetOurVectorsAndOurErrorsSpeakTheirShape() throws Exception {
    FoundryConfig config = FoundryConfig.of(base, "any-key", "perceptual");
    config = new FoundryConfig(config.endpoint(), config.apiKey(), config.auth(), config.apiVersion(), config.model(), config.dimensions(),
        config.requestDimensions(), config.imageInputType(), config.textInputType(), config.textEmbeddings(), config.maxImagesPerRequest(),
        UploadFormat.png(4096), config.modelId(), config.client());
    try (FoundryEmbedder client = new FoundryEmbedder("v", config)) {
      assertThat(client.embed(image())).containsExactly(expected);
    }
    String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);
    JsonNode b64 = JSON.readTree(post("/images/embeddings", "application/json",
        "{\"model\":\"perceptual\",\"input\":[{\"image\":\"" + dataUrl + "\"}],\"encoding_format\":\"base64\",\"input_type\":\"document\"}").body());
    ByteBuffer raw = ByteBuffer.wrap(Base64.getDecoder().decode(b64.path("data").get(0).path("embedding").asText())).order(ByteOrder.LITTLE_ENDIAN);
    float[] decoded = new float[expected.length];
    for (int i = 0; i < decoded.length; i++) decoded[i] = raw.getFloat();
    assertThat(decoded).containsExactly(expected);
    assertThat(b64.path("usage").has("total_tokens")).isTrue();

    assertSeedError(post("/images/embeddings", "application/json",
        "{\"input\":[{\"image\":\"" + dataUrl + "\"}],\"dimensions\":1024}"), 422, "UnsupportedParameter");
    assertSeedError(post("/images/embeddings", "application/json", "{\"input\":[{\"text\":\"a cat\"}]}"), 422, "TEXT_NOT_SUPPORTED");
    assertSeedError(post("/images/embeddings", "application/json", "{\"input\":[]}"), 400, "InvalidRequest");
    assertSeedError(post("/images/embeddings", "application/json", "{\"input\":[{\"image\":\"data:image/png;base64,@@@\"}]}"), 400, "INVALID_BASE64");
  }

  @Test
  void theItemsOfABatchShareOneFetchDeadline() throws Exception {
    // Each image takes 1.5 s, within the 2.5-s fetch deadline; two in a row do not fit in it.
    FetcherConfig quick = FetcherConfig.defaults().withAllowPrivateNetworks(true)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(2_500));
    try (ImageFetcher slowFetcher = new ImageFetcher(quick); MockWebServer images = new MockWebServer()) {
      for (int i = 0; i < 3; i++) {
        images.enqueue(new MockResponse().setBody(new Buffer().write(PNG)).setHeader("content-type", "image/png")
            .setHeadersDelay(1_500, TimeUnit.MILLISECONDS));
      }
      TopologyServices services = TestServices.perceptual(slowFetcher);
      HttpApi slowApi = HttpApi.start(LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0")), services, slowFetcher);
      try {
        String items = "{\"image\":\"" + images.url("/a.png") + "\"},{\"image\":\"" + images.url("/b.png") + "\"}";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + slowApi.port() + "/images/embeddings"))
            .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"input\":[" + items + "]}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertSeedError(response, 422, "FETCH_TIMEOUT");
        assertThat(JSON.readTree(response.body()).path("error").path("message").asText()).startsWith("input[1]: fetching http://")
            .endsWith("/b.png timed out");
      } finally {
        slowApi.close();
      }
    }
  }

  @Test
  void coreVizClientsGetOurVectors() throws Exception {
    CoreVizConfig config = CoreVizConfig.of(base, "any-key");
    config = new CoreVizConfig(config.endpoint(), config.apiKey(), config.style(), config.model(), config.dimensions(),
        UploadFormat.png(4096), config.modelId(), config.client());
    try (CoreVizEmbedder client = new CoreVizEmbedder("v", config)) {
      assertThat(client.embed(image())).containsExactly(expected);
    }
    HttpResponse<String> missing = post("/api/ai/embeddings", "application/json", "{\"model\":\"x\"}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(missing.body()).path("error").asText()).isEqualTo("Bad Request");
  }

  @Test
  void nearTextOnAVectorWithoutATextEncoderIs422() throws Exception {
    HttpResponse<String> response = post("/v1/search", "application/json", "{\"nearText\":{\"concepts\":[\"cat\"]}}");
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).isEqualTo("TEXT_NOT_SUPPORTED");
    assertThat(VectorMath.dot(expected, expected)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
  }

  @Test
  void trailingGarbageAndMalformedInternalRequestsAre400NotAcceptedOr500() throws Exception {
    assertSeedError(post("/images/embeddings", "application/json", "{\"input\":[]} trailing"), 400, "InvalidRequest");
    HttpResponse<String> search = post("/v1/search", "application/json", "{\"nearVector\":{\"vector\":[1]}} {}");
    assertThat(search.statusCode()).isEqualTo(400);
    HttpResponse<String> internal = post("/internal/v1/knn", "application/json", "{\"bogus\":1}");
    assertThat(internal.statusCode()).as(internal.body()).isEqualTo(400);
    assertThat(JSON.readTree(internal.body()).path("error").path("code").asText()).isEqualTo("BAD_REQUEST");
  }

  @Test
  void aKnownPathAskedWithTheWrongMethodIs405InOurShape() throws Exception {
    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/search")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).as(get.body()).isEqualTo(405);
    assertThat(JSON.readTree(get.body()).path("error").path("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(get.headers().firstValue("allow")).as(get.headers().map().toString()).contains("POST");
    assertThat(JSON.readTree(get.body()).path("error").path("message").asText()).isEqualTo("GET is not allowed on /v1/search; use POST");
    HttpResponse<String> unknown = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/nowhere")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  private static void assertSeedError(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).isEqualTo(code);
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
    return out;
  }

  private static HttpResponse<String> post(String path, String type, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
