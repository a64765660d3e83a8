package dev.lookalike.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.hosted.AzureVisionConfig;
import dev.lookalike.embedding.hosted.AzureVisionEmbedder;
import dev.lookalike.embedding.hosted.ProviderErrorCode;
import dev.lookalike.embedding.hosted.ProviderException;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.server.TestServices;
import dev.lookalike.server.http.HttpApi;
import dev.lookalike.server.query.NotReadyException;
import dev.lookalike.server.query.PeerClient;
import dev.lookalike.topology.TopologyServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With keys configured, every endpoint but health needs one, in any of the hosted APIs' header forms. */
class AuthTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String KEY = "s3cret-acme-key";
  private static final String PEER_SECRET = "the instances' own secret";
  private static HttpApi api;
  private static ImageFetcher fetcher;
  private static String base;
  private static final String IMAGE = "{\"image\":\"data:image/png;base64,"
      + Base64.getEncoder().encodeToString(TestImages.encode(TestImages.generate(3), "png")) + "\"}";

  @BeforeAll
  static void start() {
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.AUTH_API_KEYS, ApiKeysTest.hash(KEY) + ":acme," + ApiKeysTest.hash("other") + ":globex",
        LookalikeConfig.AUTH_PEER_SECRET, PEER_SECRET));
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = TestServices.perceptual(fetcher);
    api = HttpApi.start(config, services, fetcher);
    base = "http://127.0.0.1:" + api.port();
  }

  @AfterAll
  static void stop() {
    api.close();
    fetcher.close();
  }

  @Test
  void healthAndThePageNeedNoKey() throws Exception {
    assertThat(send("GET", "/health/live", null, Map.of()).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/health/ready", null, Map.of()).statusCode()).isEqualTo(503); // no streams here, but not 401
    assertThat(send("GET", "/", null, Map.of()).statusCode()).isEqualTo(200);
    // Weaviate's probes too, as Weaviate answers them: a status, no body.
    assertThat(send("GET", "/v1/.well-known/live", null, Map.of()).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/v1/.well-known/ready", null, Map.of()).statusCode()).isEqualTo(503);
  }

  @Test
  void everyOtherEndpointAnswers401InItsOwnShape() throws Exception {
    HttpResponse<String> refused = send("GET", "/v1/images/x", null, Map.of());
    assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    JsonNode ours = json(refused, 401);
    assertThat(ours.path("error").path("code").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(json(send("GET", "/metrics", null, Map.of("x-api-key", "wrong")), 401).path("error").path("code").asText())
        .isEqualTo("UNAUTHORIZED");
    assertThat(json(send("POST", "/computervision/retrieval:vectorizeImage", "{\"url\":\"http://x\"}", Map.of()), 401)
        .path("error").path("code").asText()).isEqualTo("401");
    assertThat(json(send("POST", "/images/embeddings", "{}", Map.of("api-key", "wrong")), 401)
        .path("error").path("code").asText()).isEqualTo("Unauthorized");
    assertThat(json(send("POST", "/api/ai/embeddings", IMAGE, Map.of()), 401).path("error").asText()).isEqualTo("Unauthorized");
  }

  /**
   * A 401 is answered before the body is read. Jetty used to close such connections once the
   * response was out, without saying so, and the next request pooled onto one failed with "header
   * parser received no bytes" (about one in twenty here). Refusals now drain the body.
   */
  @Test
  void refusedUploadsLeaveTheConnectionUsableAndAreCounted() throws Exception {
    String large = "{\"image\":\"" + "A".repeat(20_000) + "\"}";
    for (int i = 0; i < 100; i++) {
      assertThat(send("POST", "/images/embeddings", i % 2 == 0 ? "{}" : large, Map.of("api-key", "wrong")).statusCode())
          .as("refusal %d", i).isEqualTo(401);
    }
    assertThat(send("GET", "/metrics", null, Map.of("x-api-key", KEY)).body())
        .containsPattern("lookalike_http_request_seconds_count\\{[^}]*status=\"401\"");
  }

  @Test
  void everyHeaderFormOfAValidKeyIsAccepted() throws Exception {
    for (Map<String, String> header : List.of(Map.of("x-api-key", KEY), Map.of("api-key", KEY),
        Map.of("Ocp-Apim-Subscription-Key", KEY), Map.of("Authorization", "Bearer " + KEY))) {
      assertThat(send("POST", "/api/ai/embeddings", IMAGE, header).statusCode()).as(header.toString()).isEqualTo(200);
    }
    assertThat(send("GET", "/metrics", null, Map.of("x-api-key", KEY)).statusCode()).isEqualTo(200);
  }

  @Test
  void overTheRateAKeyGets429WithRetryAfterInTheApisShape() throws Exception {
    String limited = "limited-key";
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.AUTH_API_KEYS, ApiKeysTest.hash(limited) + ":acme," + ApiKeysTest.hash(KEY) + ":acme,"
            + ApiKeysTest.hash("batch-key") + ":acme",
        LookalikeConfig.RATE_LIMIT, "0.2", LookalikeConfig.RATE_BURST, "2"));
    TopologyServices services = TestServices.perceptual(fetcher);
    HttpApi slow = HttpApi.start(config, services, fetcher);
    try {
      String url = "http://127.0.0.1:" + slow.port();
      Map<String, String> header = Map.of("x-api-key", limited);
      assertThat(send(url, "GET", "/metrics", null, header).statusCode()).isEqualTo(200);
      assertThat(send(url, "GET", "/metrics", null, header).statusCode()).isEqualTo(200);
      HttpResponse<String> third = send(url, "GET", "/metrics", null, header);
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(third.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 5L));
      assertThat(JSON.readTree(third.body()).path("error").path("code").asText()).isEqualTo("RATE_LIMITED");
      HttpResponse<String> azure = send(url, "POST", "/computervision/retrieval:vectorizeText", "{\"text\":\"x\"}", header);
      assertThat(azure.statusCode()).isEqualTo(429);
      assertThat(JSON.readTree(azure.body()).path("error").path("code").asText()).isEqualTo("429");
      assertThat(send(url, "GET", "/metrics", null, Map.of("x-api-key", KEY)).statusCode()).as("other keys go on").isEqualTo(200);
      // A batch counts each item: a first request of two items spends the whole burst of two.
      Map<String, String> batcher = Map.of("api-key", "batch-key");
      String batch = "{\"input\":[" + IMAGE + "," + IMAGE + "]}";
      assertThat(send(url, "POST", "/images/embeddings", batch, batcher).statusCode()).isEqualTo(200);
      assertThat(send(url, "GET", "/metrics", null, batcher).statusCode()).isEqualTo(429);
    } finally {
      slow.close();
    }
  }

  @Test
  void internalEndpointsOpenOnlyToThePeerToken() throws Exception {
    String lookup = "/internal/v1/stores/image-status/keys/x?partition=0";
    assertThat(send("POST", "/internal/v1/knn", "{}", Map.of("x-api-key", KEY)).statusCode()).isEqualTo(401);
    assertThat(send("GET", lookup, null, Map.of()).statusCode()).isEqualTo(401);
    // The key hashes are in every instance's configuration: a token made from them opens nothing.
    String configured = String.join("\n", new TreeSet<>(List.of(ApiKeysTest.hash(KEY) + ":acme", ApiKeysTest.hash("other") + ":globex")));
    String fromHashes = HexFormat.of().formatHex(ApiKeys.sha256(("lookalike-peer\n" + configured).getBytes(StandardCharsets.UTF_8)));
    JsonNode refused = json(send("GET", lookup, null, Map.of(Authenticator.PEER_HEADER, fromHashes)), 401);
    assertThat(refused.path("error").path("message").asText()).contains("auth.peer.secret");
    String token = ApiKeys.parse(List.of(), PEER_SECRET).peerToken();
    assertThat(send("GET", lookup, null, Map.of(Authenticator.PEER_HEADER, token)).statusCode())
        .as("past authentication; no streams run here").isNotEqualTo(401);
  }

  @Test
  void withMetricsKeysOnlyTheyReadTheMetricsWhichCountEveryTenant() throws Exception {
    String scraper = "prometheus-key";
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.AUTH_API_KEYS, ApiKeysTest.hash(KEY) + ":acme",
        LookalikeConfig.AUTH_METRICS_KEYS, ApiKeysTest.hash(scraper)));
    TopologyServices services = TestServices.perceptual(fetcher);
    HttpApi guarded = HttpApi.start(config, services, fetcher);
    try {
      String url = "http://127.0.0.1:" + guarded.port();
      assertThat(send(url, "GET", "/metrics", null, Map.of("Authorization", "Bearer " + scraper)).statusCode()).isEqualTo(200);
      HttpResponse<String> tenant = send(url, "GET", "/metrics", null, Map.of("x-api-key", KEY));
      assertThat(json(tenant, 403).path("error").path("message").asText()).contains("auth.metrics.keys");
      assertThat(send(url, "GET", "/metrics", null, Map.of()).statusCode()).isEqualTo(401);
      for (String variant : List.of("/metrics/", "//metrics", "/metrics//", "/Metrics", "/%6detrics")) {
        assertThat(send(url, "GET", variant, null, Map.of("x-api-key", KEY)).statusCode()).as(variant).isNotEqualTo(200);
      }
      assertThat(send(url, "GET", "/v1/images/x", null, Map.of("x-api-key", scraper)).statusCode())
          .as("a metrics key is no tenant's key").isEqualTo(401);
    } finally {
      guarded.close();
    }
  }

  @Test
  void aBatchOfMoreThanSixteenImagesIsRefusedBeforeAnyIsEmbedded() throws Exception {
    String batch = "{\"input\":[" + String.join(",", Collections.nCopies(17, IMAGE)) + "]}";
    HttpResponse<String> refused = send("POST", "/images/embeddings", batch, Map.of("api-key", KEY));
    assertThat(json(refused, 400).path("error").path("message").asText()).contains("at most 16");
  }

  @Test
  void anInstanceWithAnotherPeerSecretIsToldWhichSettingDiffers() {
    try (PeerClient stranger = new PeerClient(Duration.ofSeconds(5), ApiKeys.parse(List.of(), "not our secret").peerToken())) {
      assertThatThrownBy(() -> stranger.get(new HostInfo("127.0.0.1", api.port()), "/internal/v1/stores/image-status/keys/x?partition=0"))
          .isInstanceOfSatisfying(NotReadyException.class, e -> {
            assertThat(e.code()).as("not a passing state").isEqualTo("MISCONFIGURED");
            assertThat(e.retryAfterSeconds()).isEqualTo(60);
          })
          .hasMessageContaining("refused").hasMessageContaining("auth.peer.secret")
          .as("the client is not told internal addresses").hasMessageNotContaining("127.0.0.1");
    }
  }

  @Test
  void hostedApiClientsRecogniseOur401() {
    try (AzureVisionEmbedder client = new AzureVisionEmbedder("v", AzureVisionConfig.of(base, "not-a-key"))) {
      ProviderException e = catchThrowableOfType(ProviderException.class,
          () -> client.embed(new ImageDecoder().decode(TestImages.encode(TestImages.generate(4), "png"))));
      assertThat(e.code()).isEqualTo(ProviderErrorCode.PROVIDER_AUTH_FAILED);
      assertThat(e.retriable()).isFalse();
    }
  }

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) throws Exception {
    return send(base, method, path, body, headers);
  }

  private static HttpResponse<String> send(String url, String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
