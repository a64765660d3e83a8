package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.server.LookalikeService;
import dev.lookalike.server.auth.ApiKeysTest;
import dev.lookalike.topology.Topics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okio.Buffer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import io.weaviate.client.Config;
import io.weaviate.client.WeaviateClient;
import io.weaviate.client.base.Result;
import io.weaviate.client.base.WeaviateErrorMessage;
import io.weaviate.client.v1.filters.Operator;
import io.weaviate.client.v1.filters.WhereFilter;
import io.weaviate.client.v1.graphql.model.GraphQLResponse;
import io.weaviate.client.v1.graphql.query.argument.Bm25Argument;
import io.weaviate.client.v1.graphql.query.argument.NearImageArgument;
import io.weaviate.client.v1.graphql.query.argument.NearObjectArgument;
import io.weaviate.client.v1.graphql.query.argument.WhereArgument;
import io.weaviate.client.v1.graphql.query.fields.Field;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API of a real service instance on a real broker and registry. */
class HttpApiIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_KEY = "key-of-default";
  private static final String GLOBEX_KEY = "key-of-globex";
  private static final String INITECH_KEY = "key-of-initech";
  // Ids shaped like object-store keys: slashes, a space, a percent sign.
  private static final String ALBUM_ID = "albums/2026/cat.png";
  private static final String ALBUM_COPY_ID = "albums/2026/cat copy 100%.jpg";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static EmbeddedKafka kafka;
  private static LookalikeService service;
  private static MockWebServer images;
  private static BufferedImage base;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    String registryUrl = ApicurioRegistry.shared().ccompatUrl();
    LookalikeConfig config = LookalikeConfig.of(Map.of(
        LookalikeConfig.APPLICATION_ID, "http-it",
        LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
        LookalikeConfig.SCHEMA_REGISTRY_URL, registryUrl,
        LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.TOPICS_PARTITIONS, "2",
        LookalikeConfig.STATE_DIR, tmp.toString(),
        LookalikeConfig.IMAGE_MAX_BYTES, String.valueOf(2 * 1024 * 1024),
        LookalikeConfig.FETCH_ALLOW_PRIVATE_NETWORKS, "true",
        LookalikeConfig.AUTH_API_KEYS, ApiKeysTest.hash(DEFAULT_KEY) + ":default," + ApiKeysTest.hash(GLOBEX_KEY) + ":globex,"
            + ApiKeysTest.hash(INITECH_KEY) + ":initech",
        "topic.uploaded", "http.images.uploaded"));
    service = LookalikeService.start(config);
    assertThat(service.awaitReady(Duration.ofMinutes(2))).isTrue();
    images = new MockWebServer();
    images.start();
    base = TestImages.generate(5);
    try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(registryUrl)) {
      Topics topics = Topics.create(config, registry);
      try (KafkaProducer<String, ImageUploaded> producer = new KafkaProducer<>(
          Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
          topics.uploaded().valueSerde().serializer())) {
        send(producer, topics, "base", "default", TestImages.encode(base, "png"), List.of("cat"));
        send(producer, topics, "base-small", "default", TestImages.jpeg(TestImages.resize(base, 0.5), 40), List.of("cat"));
        send(producer, topics, "other", "default", TestImages.encode(TestImages.generate(6), "png"), List.of("dog"));
        send(producer, topics, "secret", "globex", TestImages.encode(base, "png"), List.of("cat"));
        send(producer, topics, ALBUM_ID, "initech", TestImages.encode(base, "png"), List.of("cat"));
        send(producer, topics, ALBUM_COPY_ID, "initech", TestImages.jpeg(base, 60), List.of("cat"));
      }
    }
    await().atMost(Duration.ofMinutes(2)).until(() -> embedded("/v1/images/base") && embedded("/v1/images/base-small")
        && embedded("/v1/images/other") && embeddedAs(GLOBEX_KEY, "/v1/images/secret")
        && embeddedAs(INITECH_KEY, "/v1/images/" + encoded(ALBUM_ID)) && embeddedAs(INITECH_KEY, "/v1/images/" + encoded(ALBUM_COPY_ID)));
  }

  private static boolean embedded(String path) throws Exception {
    return embeddedAs(DEFAULT_KEY, path);
  }

  private static boolean embeddedAs(String key, String path) throws Exception {
    HttpResponse<String> response = getAs(key, path);
    return response.statusCode() == 200 && JSON.readTree(response.body()).path("status").asText().equals("EMBEDDED");
  }

  private static void send(KafkaProducer<String, ImageUploaded> producer, Topics topics, String id, String tenant, byte[] bytes,
                           List<String> tags) throws Exception {
    ImageUploaded event = ImageUploaded.newBuilder().setImageId(id).setTenant(tenant).setTags(tags)
        .setSource(ImageSource.newBuilder().setData(ByteBuffer.wrap(bytes)).build())
        .setUploadedAt(Instant.now()).build();
    producer.send(new ProducerRecord<>(topics.uploaded().name(), id, event)).get();
  }

  @AfterAll
  static void stop() throws IOException {
    if (images != null) images.shutdown();
    if (service != null) service.close();
    if (kafka != null) kafka.close();
  }

  @Test
  void healthAndImageLookup() throws Exception {
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    assertThat(json(get("/health/ready")).path("status").asText()).isEqualTo("READY");
    JsonNode image = json(get("/v1/images/base"));
    assertThat(image.path("status").asText()).isEqualTo("EMBEDDED");
    assertThat(image.path("format").asText()).isEqualTo("png");
    assertThat(image.path("tags").get(0).asText()).isEqualTo("cat");
  }

  @Test
  void duplicatesAndSimilarImages() throws Exception {
    JsonNode duplicates = json(get("/v1/images/base/duplicates"));
    assertThat(ids(duplicates.path("duplicates"))).containsExactly("base-small");
    JsonNode similar = json(get("/v1/images/base/similar?limit=5"));
    assertThat(ids(similar.path("results"))).containsExactly("base-small", "other");
  }

  @Test
  void searchByBase64UrlVectorAndObjectWithFilters() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(TestImages.jpeg(base, 70));
    JsonNode byImage = json(post("/v1/search", "{\"nearImage\":{\"base64\":\"" + b64 + "\"},\"limit\":2}"));
    assertThat(ids(byImage.path("results"))).containsExactly("base", "base-small");

    images.enqueue(new MockResponse().setBody(new Buffer().write(TestImages.encode(base, "png"))).setHeader("content-type", "image/png"));
    JsonNode byUrl = json(post("/v1/search", "{\"nearImage\":{\"url\":\"" + images.url("/cat.png") + "\"},\"limit\":1}"));
    assertThat(ids(byUrl.path("results"))).containsExactly("base");

    JsonNode byObject = json(post("/v1/search", "{\"nearObject\":{\"id\":\"base\"},\"filter\":{\"tags\":[\"cat\"]}}"));
    assertThat(ids(byObject.path("results"))).containsExactly("base-small");

    String globexFilter = "{\"nearImage\":{\"image\":\"" + b64 + "\"},\"filter\":{\"tenant\":\"globex\"}}";
    assertThat(ids(json(postAs(GLOBEX_KEY, "/v1/search", globexFilter)).path("results"))).containsExactly("secret");
    assertThat(ids(json(post("/v1/search", globexFilter)).path("results")))
        .as("a filter naming another tenant is ignored: the key decides").doesNotContain("secret");

    HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + "/v1/search/image?limit=2&tag=cat"))
        .header("content-type", "image/jpeg").header("x-api-key", DEFAULT_KEY).POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.jpeg(base, 70))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ids(json(upload).path("results"))).containsExactly("base", "base-small");

    JsonNode strict = json(post("/v1/search", "{\"nearObject\":{\"id\":\"base\"},\"minScore\":0.99999}"));
    assertThat(strict.path("results")).isEmpty();
    HttpResponse<String> twoScales = post("/v1/search", "{\"nearObject\":{\"id\":\"base\",\"certainty\":0.9,\"distance\":0.5}}");
    assertThat(twoScales.statusCode()).as("Weaviate refuses both bounds at once: it cannot say which was meant").isEqualTo(400);
  }

  /**
   * Weaviate's own Java client ({@code io.weaviate:client}), as code written for Weaviate's
   * {@code nearImage} runs it: the class name is the client's, the key goes as a Bearer token.
   */
  @Test
  @SuppressWarnings("unchecked")
  void weaviatesOwnClientSearchesWithGraphQl() {
    URI url = URI.create(service.httpUrl());
    WeaviateClient client = new WeaviateClient(new Config("http", url.getHost() + ":" + url.getPort(),
        Map.of("Authorization", "Bearer " + DEFAULT_KEY)));
    String b64 = Base64.getEncoder().encodeToString(TestImages.jpeg(base, 70));
    Field additional = Field.builder().name("_additional")
        .fields(Field.builder().name("id").build(), Field.builder().name("distance").build(), Field.builder().name("certainty").build()).build();

    // Code that waits for Weaviate before its first query, as its examples do; no key needed, as in Weaviate.
    WeaviateClient anonymous = new WeaviateClient(new Config("http", url.getHost() + ":" + url.getPort()));
    Result<Boolean> ready = anonymous.misc().readyChecker().run();
    assertThat(ready.getResult()).as("%s", ready.getError()).isTrue();
    assertThat(anonymous.misc().liveChecker().run().getResult()).isTrue();

    Result<GraphQLResponse> byImage = client.graphQL().get().withClassName("Photo")
        .withNearImage(NearImageArgument.builder().image(b64).build()).withLimit(2)
        .withFields(Field.builder().name("tags").build(), Field.builder().name("uploadedAt").build(), additional).run();
    assertThat(byImage.getError()).as("%s", byImage.getError()).isNull();
    List<Map<String, Object>> photos = ((Map<String, List<Map<String, Object>>>) ((Map<String, Object>) byImage.getResult().getData()).get("Get")).get("Photo");
    assertThat(photos).extracting(p -> ((Map<String, Object>) p.get("_additional")).get("id")).containsExactly("base", "base-small");
    Map<String, Object> best = (Map<String, Object>) photos.get(0).get("_additional");
    double distance = ((Number) best.get("distance")).doubleValue();
    assertThat(distance).isBetween(0.0, 0.05);
    assertThat(((Number) best.get("certainty")).doubleValue()).isCloseTo(1 - distance / 2, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(photos.get(0).get("tags")).isEqualTo(List.of("cat"));
    assertThat(Instant.parse((String) photos.get(0).get("uploadedAt"))).isBefore(Instant.now());

    Result<GraphQLResponse> byObject = client.graphQL().get().withClassName("Photo")
        .withNearObject(NearObjectArgument.builder().id("base").build())
        .withWhere(WhereArgument.builder().filter(WhereFilter.builder().path("tags").operator(Operator.ContainsAll).valueText("cat").build()).build())
        .withFields(Field.builder().name("imageId").build()).run();
    assertThat(byObject.getError()).isNull();
    // As in Weaviate, nearObject's own image comes first (/v1/search leaves it out).
    assertThat(((Map<String, Map<String, Object>>) byObject.getResult().getData()).get("Get").get("Photo"))
        .isEqualTo(List.of(Map.of("imageId", "base"), Map.of("imageId", "base-small")));

    Result<GraphQLResponse> bothBounds = client.graphQL().get().withClassName("Photo")
        .withNearObject(NearObjectArgument.builder().id("base").distance(0.5f).certainty(0.9f).build())
        .withFields(Field.builder().name("imageId").build()).run();
    assertThat(bothBounds.getError().getStatusCode()).isEqualTo(400);
    assertThat(bothBounds.getError().getMessages().get(0).getMessage()).startsWith("give certainty or distance, not both");

    Result<GraphQLResponse> keyword = client.graphQL().get().withClassName("Photo")
        .withBm25(Bm25Argument.builder().query("cat").build()).withFields(Field.builder().name("imageId").build()).run();
    assertThat(keyword.hasErrors()).isTrue();
    assertThat(keyword.getError().getStatusCode()).isEqualTo(400);
    assertThat(keyword.getError().getMessages()).extracting(WeaviateErrorMessage::getMessage)
        .singleElement().asString().contains("argument 'bm25' of Photo is not supported");

    Result<GraphQLResponse> wrongKey = new WeaviateClient(new Config("http", url.getHost() + ":" + url.getPort(),
        Map.of("Authorization", "Bearer not-a-key"))).graphQL().get().withClassName("Photo")
        .withNearObject(NearObjectArgument.builder().id("base").build()).withFields(Field.builder().name("imageId").build()).run();
    assertThat(wrongKey.getError().getStatusCode()).isEqualTo(401);
    assertThat(wrongKey.getError().getMessages().get(0).getMessage()).startsWith("a valid API key is required");
  }

  /** Ids may hold any printable character; clients encode them as a path segment (%2F for a slash), as browsers and URLEncoder do. */
  @Test
  void idsWithSlashesAndSpacesAreReachableEncoded() throws Exception {
    JsonNode image = json(getAs(INITECH_KEY, "/v1/images/" + encoded(ALBUM_ID)));
    assertThat(image.path("imageId").asText()).isEqualTo(ALBUM_ID);
    JsonNode duplicates = json(getAs(INITECH_KEY, "/v1/images/" + encoded(ALBUM_ID) + "/duplicates"));
    assertThat(ids(duplicates.path("duplicates"))).containsExactly(ALBUM_COPY_ID);
    JsonNode similar = json(getAs(INITECH_KEY, "/v1/images/" + encoded(ALBUM_COPY_ID) + "/similar"));
    assertThat(ids(similar.path("results"))).containsExactly(ALBUM_ID);
    HttpResponse<byte[]> thumb = HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + "/v1/images/" + encoded(ALBUM_ID) + "/thumbnail"))
        .header("x-api-key", INITECH_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(thumb.statusCode()).isEqualTo(200);
    JsonNode byObject = json(postAs(INITECH_KEY, "/v1/search", "{\"nearObject\":{\"id\":\"" + ALBUM_ID + "\"}}"));
    assertThat(ids(byObject.path("results"))).containsExactly(ALBUM_COPY_ID);
    assertThat(getAs(INITECH_KEY, "/v1/images/albums%2F2026%2Fnope.png").statusCode()).isEqualTo(404);
  }

  /** An id as one path segment, the way a client encodes it (java.net.URLEncoder writes a space as +, which a path keeps literally). */
  private static String encoded(String id) {
    return java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Test
  void tenantsCannotSeeEachOther() throws Exception {
    assertThat(get("/v1/images/secret").statusCode()).isEqualTo(404);
    assertThat(get("/v1/images/secret?tenant=globex").statusCode()).as("the key decides the tenant").isEqualTo(404);
    assertThat(getAs(GLOBEX_KEY, "/v1/images/secret").statusCode()).isEqualTo(200);
    assertThat(getAs(GLOBEX_KEY, "/v1/images/base").statusCode()).isEqualTo(404);
    assertThat(getAs("no-such-key", "/v1/images/base").statusCode()).isEqualTo(401);
    assertThat(ids(json(get("/v1/images/base/similar?limit=10")).path("results"))).doesNotContain("secret");
  }

  @Test
  void badRequestsGetJsonErrorsNeverServerErrors() throws Exception {
    assertError(post("/v1/search", "{not json"), 400, "BAD_REQUEST");
    assertError(post("/v1/search", "{\"nearText\":{\"concepts\":[\"cat\"]}}"), 422, "TEXT_NOT_SUPPORTED");
    assertError(post("/v1/search", "{\"nearPixels\":{}}"), 400, "BAD_REQUEST");
    assertError(post("/v1/search", "{}"), 400, "BAD_REQUEST");
    assertError(post("/v1/search", "{\"nearVector\":{\"vector\":[1,2,3]}}"), 422, "DIMENSION_MISMATCH");
    assertError(post("/v1/search", "{\"nearImage\":{\"base64\":\"%%%\"}}"), 400, "INVALID_BASE64");
    assertError(post("/v1/search", "{\"nearImage\":{\"base64\":\"" + Base64.getEncoder().encodeToString("<html></html>".getBytes()) + "\"}}"),
        415, "UNSUPPORTED_FORMAT");
    assertError(post("/v1/search", "{\"nearImage\":{\"url\":\"file:///etc/passwd\"}}"), 422, "FORBIDDEN_URL");
    assertError(post("/v1/search", "{\"nearObject\":{\"id\":\"base\"},\"limit\":0}"), 400, "BAD_REQUEST");
    assertError(post("/v1/search", "{\"nearObject\":{\"id\":\"base\"},\"targetVector\":\"nope\"}"), 400, "UNKNOWN_VECTOR");
    // Refused before the body is read: like curl for large bodies, the client waits for a
    // 100 Continue, so it reads the 413 instead of writing into a closed connection.
    assertError(HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + "/v1/search")).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").header("x-api-key", DEFAULT_KEY).expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofString("{\"nearImage\":{\"base64\":\"" + "A".repeat(4 * 1024 * 1024) + "\"}}")).build(),
        HttpResponse.BodyHandlers.ofString()), 413, "PAYLOAD_TOO_LARGE");
    assertError(get("/v1/images/nope"), 404, "NOT_FOUND");
    assertError(get("/v1/images/base/similar?limit=abc"), 400, "BAD_REQUEST");
    // A score is a cosine similarity: 2 (or 95, a percentage) matched nothing with a 200, as if there were no duplicates.
    assertError(get("/v1/images/base/duplicates?minScore=2"), 400, "BAD_REQUEST");
    assertError(get("/v1/images/base/similar?minScore=-1.5"), 400, "BAD_REQUEST");
    assertError(post("/v1/search", "{\"nearObject\":{\"id\":\"base\"},\"minScore\":95}"), 400, "BAD_REQUEST");
    assertError(get("/no/such/route"), 404, "NOT_FOUND");
  }

  @Test
  void thumbnailsAreSmallJpegsOfTheTenantsOwnImages() throws Exception {
    HttpResponse<byte[]> thumb = HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + "/v1/images/base/thumbnail"))
        .header("x-api-key", DEFAULT_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(thumb.statusCode()).isEqualTo(200);
    assertThat(thumb.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/jpeg"));
    BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(thumb.body()));
    assertThat(Math.max(image.getWidth(), image.getHeight())).isEqualTo(128);
    assertThat((double) image.getWidth() / image.getHeight()).isCloseTo((double) base.getWidth() / base.getHeight(),
        org.assertj.core.data.Offset.offset(0.05));
    String etag = thumb.headers().firstValue("etag").orElseThrow();
    HttpResponse<byte[]> again = HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + "/v1/images/base/thumbnail"))
        .header("x-api-key", DEFAULT_KEY).header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(again.statusCode()).isEqualTo(304);
    // Another tenant's image, an unknown image: the same 404.
    assertError(get("/v1/images/secret/thumbnail"), 404, "NOT_FOUND");
    assertError(get("/v1/images/nope/thumbnail"), 404, "NOT_FOUND");
    assertThat(getAs(GLOBEX_KEY, "/v1/images/secret/thumbnail").statusCode()).isEqualTo(200);
    assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + "/v1/images/base/thumbnail")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
  }

  /** The page at / in a real headless Chromium: search by file, thumbnails, min score, duplicates (skips without Chromium). */
  @Test
  void thePageWorksInARealBrowser() throws Exception {
    Path image = tmp.resolve("base.png");
    java.nio.file.Files.write(image, TestImages.encode(base, "png"));
    assertThat(BrowserCheck.run(service.httpUrl(), DEFAULT_KEY, image)).contains("OK");
  }

  @Test
  void vectorsListsTheConfiguredNamedVectors() throws Exception {
    JsonNode vectors = json(get("/v1/vectors")).path("vectors");
    assertThat(vectors.size()).isEqualTo(1);
    JsonNode v = vectors.get(0);
    assertThat(v.path("name").asText()).isEqualTo("perceptual");
    assertThat(v.path("model").asText()).isNotBlank();
    assertThat(v.path("dims").asInt()).isPositive();
    assertThat(v.path("text").asBoolean()).isFalse();
    assertThat(v.path("duplicateThreshold").asDouble()).isBetween(0.0, 1.0);
  }

  private static void assertError(HttpResponse<String> response, int status, String code) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = JSON.readTree(response.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception", "\tat ");
  }

  private static List<String> ids(JsonNode results) {
    return java.util.stream.StreamSupport.stream(results.spliterator(), false).map(r -> r.path("imageId").asText()).toList();
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return getAs(DEFAULT_KEY, path);
  }

  private static HttpResponse<String> getAs(String key, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + path)).timeout(Duration.ofSeconds(30))
        .header("x-api-key", key).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return postAs(DEFAULT_KEY, path, body);
  }

  private static HttpResponse<String> postAs(String key, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + path)).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").header("x-api-key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
