package dev.lookalike.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The duplicates view and the live near-duplicate events of a real service on a real broker. */
class DuplicatesViewIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_KEY = "key-of-default";
  private static final String GLOBEX_KEY = "key-of-globex";
  private static final String LIVE_KEY = "key-of-live";
  private static final String DELETES_KEY = "key-of-deletes";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static EmbeddedKafka kafka;
  private static LookalikeService service;
  private static KafkaProducer<String, ImageUploaded> producer;
  private static Topics topics;
  private static LookalikeConfig config;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    String registryUrl = ApicurioRegistry.shared().ccompatUrl();
    config = LookalikeConfig.of(Map.of(
        LookalikeConfig.APPLICATION_ID, "duplicates-it",
        LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
        LookalikeConfig.SCHEMA_REGISTRY_URL, registryUrl,
        LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.TOPICS_PARTITIONS, "2",
        LookalikeConfig.STATE_DIR, tmp.toString(),
        LookalikeConfig.AUTH_API_KEYS, ApiKeysTest.hash(DEFAULT_KEY) + ":default," + ApiKeysTest.hash(GLOBEX_KEY) + ":globex,"
            + ApiKeysTest.hash(LIVE_KEY) + ":live," + ApiKeysTest.hash(DELETES_KEY) + ":deletes"));
    service = LookalikeService.start(config);
    assertThat(service.awaitReady(Duration.ofMinutes(2))).isTrue();
    try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(registryUrl)) {
      topics = Topics.create(config, registry);
    }
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(), topics.uploaded().valueSerde().serializer());
    BufferedImage a = TestImages.generate(5);
    BufferedImage b = TestImages.generate(6);
    send("a1", "default", TestImages.encode(a, "png"));
    send("a2", "default", TestImages.jpeg(TestImages.resize(a, 0.5), 40));
    send("a3", "default", TestImages.jpeg(a, 70));
    send("b1", "default", TestImages.encode(b, "png"));
    send("b2", "default", TestImages.jpeg(b, 60));
    send("c1", "default", TestImages.encode(TestImages.generate(11), "png"));
    send("live-original", "live", TestImages.encode(TestImages.generate(7), "png"));
  }

  private static void send(String id, String tenant, byte[] bytes) throws Exception {
    ImageUploaded event = ImageUploaded.newBuilder().setImageId(id).setTenant(tenant).setTags(List.of())
        .setSource(ImageSource.newBuilder().setData(ByteBuffer.wrap(bytes)).build())
        .setUploadedAt(Instant.now()).build();
    producer.send(new ProducerRecord<>(topics.uploaded().name(), id, event)).get();
  }

  @AfterAll
  static void stop() {
    if (producer != null) producer.close();
    if (service != null) service.close();
    if (kafka != null) kafka.close();
  }

  @Test
  void groupsAreLargestFirstWithTheirPairsPagedAndPerTenant() throws Exception {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      JsonNode page = json(get(DEFAULT_KEY, "/v1/duplicates/groups"));
      assertThat(page.path("total").asInt()).isEqualTo(2);
      assertThat(images(page.path("groups").get(0))).containsExactly("a1", "a2", "a3");
      assertThat(images(page.path("groups").get(1))).containsExactly("b1", "b2");
      assertThat(page.path("groups").get(0).path("pairs")).hasSize(3);
    });
    JsonNode page = json(get(DEFAULT_KEY, "/v1/duplicates/groups"));
    JsonNode first = page.path("groups").get(0);
    assertThat(first.path("size").asInt()).isEqualTo(3);
    for (JsonNode pair : first.path("pairs")) {
      assertThat(List.of("a1", "a2", "a3")).contains(pair.path("imageId").asText(), pair.path("duplicateOf").asText());
      assertThat(pair.path("similarity").asDouble()).isBetween(0.5, 1.0001);
      assertThat(pair.path("kind").asText()).isIn("EXACT", "NEAR");
      assertThat(pair.path("vector").asText()).isEqualTo("perceptual");
    }
    assertThat(first.path("pairCount").asInt()).isEqualTo(3);
    JsonNode strongest = json(get(DEFAULT_KEY, "/v1/duplicates/groups?pairsPerGroup=1")).path("groups").get(0);
    assertThat(strongest.path("pairCount").asInt()).isEqualTo(3);
    assertThat(strongest.path("pairs")).hasSize(1);
    double best = 0;
    for (JsonNode pair : first.path("pairs")) best = Math.max(best, pair.path("similarity").asDouble());
    assertThat(strongest.path("pairs").get(0).path("similarity").asDouble()).isEqualTo(best);
    assertThat(get(DEFAULT_KEY, "/v1/duplicates/groups?pairsPerGroup=-1").statusCode()).isEqualTo(400);
    JsonNode second = page.path("groups").get(1);
    assertThat(second.path("pairs")).hasSize(1);
    assertThat(second.path("pairs").get(0).path("imageId").asText()).isEqualTo("b2");
    assertThat(second.path("pairs").get(0).path("duplicateOf").asText()).isEqualTo("b1");

    JsonNode paged = json(get(DEFAULT_KEY, "/v1/duplicates/groups?limit=1&offset=1"));
    assertThat(paged.path("total").asInt()).isEqualTo(2);
    assertThat(paged.path("groups")).hasSize(1);
    assertThat(images(paged.path("groups").get(0))).containsExactly("b1", "b2");
    assertThat(json(get(DEFAULT_KEY, "/v1/duplicates/groups?offset=5")).path("groups")).isEmpty();

    JsonNode globex = json(get(GLOBEX_KEY, "/v1/duplicates/groups?tenant=default"));
    assertThat(globex.path("total").asInt()).isZero();
    assertThat(globex.path("groups")).isEmpty();

    assertThat(get(DEFAULT_KEY, "/v1/duplicates/groups?limit=0").statusCode()).isEqualTo(400);
    assertThat(get(DEFAULT_KEY, "/v1/duplicates/groups?offset=-1").statusCode()).isEqualTo(400);
    assertThat(get(DEFAULT_KEY, "/v1/duplicates/groups?offset=x").statusCode()).isEqualTo(400);
    assertThat(get(null, "/v1/duplicates/groups").statusCode()).isEqualTo(401);
    assertThat(get(null, "/v1/duplicates/groups?api_key=" + DEFAULT_KEY).statusCode())
        .as("only the live stream takes the key in the query").isEqualTo(401);
  }

  /**
   * A deleted image leaves its group, in the running view and in one rebuilt from the topics (a
   * restart reads the pairs and the deletes in no fixed order); the same id uploaded again pairs again.
   */
  @Test
  void aDeletedImageLeavesItsGroupAndPairsAgainWhenUploadedAgain() throws Exception {
    byte[] original = TestImages.encode(TestImages.generate(13), "png");
    send("kept", "deletes", original);
    send("gone", "deletes", TestImages.jpeg(TestImages.generate(13), 60));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
        .until(() -> groups(DELETES_KEY), g -> g.equals(List.of(List.of("gone", "kept"))));

    producer.send(new ProducerRecord<>(topics.uploaded().name(), "gone", null)).get();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> groups(DELETES_KEY), List::isEmpty);
    await().atMost(Duration.ofSeconds(60)).until(() -> groups(DEFAULT_KEY).size() == 2); // so the replay's count below is settled
    try (DuplicateFeed replayed = DuplicateFeed.start(config, topics.nearDuplicates())) {
      assertThat(replayed.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      assertThat(replayed.groups("deletes", 0, 10, 10).total()).as("the pair replayed beside the delete").isZero();
      assertThat(replayed.groups("default", 0, 10, 10).total()).as("other tenants' groups replayed").isEqualTo(2);
    }

    send("gone", "deletes", TestImages.jpeg(TestImages.generate(13), 60));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
        .until(() -> groups(DELETES_KEY), g -> g.equals(List.of(List.of("gone", "kept"))));
  }

  private static List<List<String>> groups(String key) throws Exception {
    List<List<String>> out = new ArrayList<>();
    json(get(key, "/v1/duplicates/groups")).path("groups").forEach(g -> out.add(images(g)));
    return out;
  }

  @Test
  void liveClientReceivesTheEventOfACopyUploadedAfterItSubscribed() throws Exception {
    assertThat(get(null, "/v1/events/near-duplicates").statusCode()).isEqualTo(401); // clients must send Accept: text/event-stream (EventSource does)
    // live-original must be embedded before the copy, or the copy could come first.
    await().atMost(Duration.ofSeconds(60)).until(() -> get(LIVE_KEY, "/v1/images/live-original").statusCode() == 200
        && json(get(LIVE_KEY, "/v1/images/live-original")).path("status").asText().equals("EMBEDDED"));
    HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(
        URI.create(service.httpUrl() + "/v1/events/near-duplicates?api_key=" + LIVE_KEY)).header("accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        response.body().forEach(lines::add);
      } catch (RuntimeException closed) {
        // the test closed the stream
      }
    });
    try {
      assertThat(lines.poll(10, TimeUnit.SECONDS)).as("the opening comment").startsWith(":");
      send("live-copy", "live", TestImages.encode(TestImages.generate(7), "png"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      List<String> seen = new ArrayList<>();
      String data = null;
      while (data == null && System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line == null) continue;
        seen.add(line);
        if (line.startsWith("data:") && seen.size() >= 2 && seen.get(seen.size() - 2).equals("event: near-duplicate")) {
          data = line.substring("data:".length()).trim();
        }
      }
      assertThat(data).as("lines seen: " + seen).isNotNull();
      JsonNode event = JSON.readTree(data);
      assertThat(event.path("imageId").asText()).isEqualTo("live-copy");
      assertThat(event.path("duplicateOf").asText()).isEqualTo("live-original");
      assertThat(event.path("tenant").asText()).isEqualTo("live");
      assertThat(event.path("kind").asText()).isEqualTo("EXACT");
    } finally {
      response.body().close();
      reader.interrupt();
    }
  }

  /**
   * A client that goes away (a closed browser tab) is noticed at the next keep-alive: it leaves
   * the {@code lookalike_live_clients} gauge, and nothing about it is logged above INFO.
   * (Stopping the server under a live client is LiveStreamShutdownTest.)
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES) // reading the opening comment blocks if the server never sends it
  void aClientThatGoesAwayIsDroppedQuietly() throws Exception {
    ListAppender<ILoggingEvent> javalinLog = new ListAppender<>();
    Logger javalin = (Logger) LoggerFactory.getLogger("io.javalin");
    Logger ours = (Logger) LoggerFactory.getLogger("dev.lookalike.server.http");
    javalinLog.start();
    javalin.addAppender(javalinLog);
    ours.addAppender(javalinLog);
    try {
      await().atMost(Duration.ofSeconds(45)).until(() -> liveClients() == 0); // the other live test's client, if it ran first
      HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(
          URI.create(service.httpUrl() + "/v1/events/near-duplicates?api_key=" + LIVE_KEY))
          .header("accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body().findFirst()).as("the opening comment").hasValueSatisfying(l -> assertThat(l).startsWith(":"));
      assertThat(liveClients()).isEqualTo(1);
      response.body().close();
      // The server notices at its next keep-alive write (DuplicateRoutes.KEEP_ALIVE_SECONDS, 15 s).
      await().atMost(Duration.ofSeconds(45)).until(() -> liveClients() == 0);
      assertThat(javalinLog.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()))
          .isEmpty();
    } finally {
      javalin.detachAppender(javalinLog);
      ours.detachAppender(javalinLog);
    }
  }

  private static int liveClients() throws Exception {
    HttpResponse<String> metrics = get(DEFAULT_KEY, "/metrics");
    return metrics.body().lines().filter(l -> l.startsWith("lookalike_live_clients")).map(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst().orElseThrow();
  }

  private static List<String> images(JsonNode group) {
    List<String> out = new ArrayList<>();
    group.path("images").forEach(n -> out.add(n.asText()));
    return out;
  }

  private static HttpResponse<String> get(String key, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.httpUrl() + path)).timeout(Duration.ofSeconds(10));
    if (key != null) request.header("x-api-key", key);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
