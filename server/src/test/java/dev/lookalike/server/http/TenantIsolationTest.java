package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.server.LookalikeService;
import dev.lookalike.server.auth.ApiKeysTest;
import dev.lookalike.topology.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three tenants whose images are mostly byte-identical, thousands of seeded-random queries
 * through every query endpoint (with tenant parameters and filters naming the other tenants),
 * and the events: not one result, pair or recommendation crosses a tenant.
 */
class TenantIsolationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> TENANTS = List.of("t1", "t2", "t3");
  private static final int SHARED = 12;
  private static final int QUERIES = 2400;

  @TempDir Path tmp;

  private static String key(String tenant) {
    return "key-of-" + tenant;
  }

  @Test
  void noQueryOrEventEverCrossesATenant() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      StringBuilder keys = new StringBuilder();
      for (String t : TENANTS) keys.append(keys.isEmpty() ? "" : ",").append(ApiKeysTest.hash(key(t))).append(':').append(t);
      LookalikeConfig config = LookalikeConfig.of(Map.of(
          LookalikeConfig.APPLICATION_ID, "tenants-it",
          LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
          LookalikeConfig.SCHEMA_REGISTRY_URL, ApicurioRegistry.shared().ccompatUrl(),
          LookalikeConfig.HTTP_PORT, "0",
          LookalikeConfig.TOPICS_PARTITIONS, "3",
          LookalikeConfig.STATE_DIR, tmp.toString(),
          LookalikeConfig.AUTH_API_KEYS, keys.toString(),
          "topic.uploaded", "tenants.images.uploaded",
          "topic.near-duplicates", "tenants.images.near-duplicates",
          "topic.recommendations", "tenants.images.recommendations"));
      try (LookalikeService service = LookalikeService.start(config)) {
        assertThat(service.awaitReady(Duration.ofMinutes(2))).isTrue();
        List<String> ids = publish(kafka, config);
        await().atMost(Duration.ofMinutes(2)).until(() -> {
          for (String id : ids) {
            if (!embedded(service, id)) return false;
          }
          return true;
        });
        runQueries(service, ids);
        assertEventsStayInTheirTenant(kafka, config, ids.size());
      }
    }
  }

  /** Each tenant gets the same SHARED images (identical bytes), two of its own and an exact copy; ids say the tenant. */
  private static List<String> publish(EmbeddedKafka kafka, LookalikeConfig config) throws Exception {
    List<String> ids = new ArrayList<>();
    try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(config.schemaRegistryUrl());
         KafkaProducer<String, ImageUploaded> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
             kafka.bootstrapServers()), new StringSerializer(), Topics.create(config, registry).uploaded().valueSerde().serializer())) {
      for (String tenant : TENANTS) {
        for (int i = 0; i < SHARED + 3; i++) {
          // 0..SHARED-1: the same images in every tenant; then one of its own; then a copy of its image 0.
          long seed = i < SHARED ? 500 + i : i == SHARED + 2 ? 500 : 600 + i + 10L * TENANTS.indexOf(tenant);
          String id = tenant + "-img-" + i;
          ids.add(id);
          producer.send(new ProducerRecord<>("tenants.images.uploaded", id, ImageUploaded.newBuilder().setImageId(id).setTenant(tenant)
              .setSource(ImageSource.newBuilder().setData(ByteBuffer.wrap(TestImages.encode(TestImages.generate(seed), "png"))).build())
              .setUploadedAt(Instant.ofEpochMilli(1000 + ids.size())).build()));
        }
      }
      producer.flush();
    }
    return ids;
  }

  private static void runQueries(LookalikeService service, List<String> ids) throws Exception {
    Random random = new Random(99);
    List<String> images = new ArrayList<>();
    for (int i = 0; i < 4; i++) images.add(Base64.getEncoder().encodeToString(TestImages.jpeg(TestImages.generate(500 + i), 80)));
    int answered = 0;
    for (int q = 0; q < QUERIES; q++) {
      String caller = TENANTS.get(random.nextInt(TENANTS.size()));
      String other = TENANTS.get(random.nextInt(TENANTS.size()));
      String target = ids.get(random.nextInt(ids.size()));
      HttpResponse<String> response = switch (random.nextInt(6)) {
        case 0 -> get(service, caller, "/v1/images/" + target + "?tenant=" + other);
        case 1 -> get(service, caller, "/v1/images/" + target + "/duplicates?tenant=" + other);
        case 2 -> get(service, caller, "/v1/images/" + target + "/similar?limit=50&tenant=" + other);
        case 3 -> post(service, caller, "{\"nearObject\":{\"id\":\"" + target + "\"},\"limit\":50,\"filter\":{\"tenant\":\"" + other + "\"}}");
        case 4 -> post(service, caller, "{\"nearImage\":{\"base64\":\"" + images.get(random.nextInt(images.size()))
            + "\"},\"limit\":50,\"filter\":{\"tenant\":\"" + other + "\"}}");
        default -> post(service, caller, "{\"nearVector\":{\"vector\":" + randomVector(random) + "},\"limit\":50}");
      };
      boolean ownTarget = target.startsWith(caller + "-");
      if (response.statusCode() == 404) {
        assertThat(ownTarget).as("only another tenant's image is unknown: " + response.body()).isFalse();
        continue;
      }
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      answered++;
      assertOnlyOwnIds(caller, JSON.readTree(response.body()));
    }
    assertThat(answered).as("most queries have answers to check").isGreaterThan(QUERIES / 2);
  }

  private static void assertOnlyOwnIds(String caller, JsonNode body) {
    if (body.has("imageId")) assertThat(body.path("imageId").asText()).startsWith(caller + "-");
    if (body.has("tenant")) assertThat(body.path("tenant").asText()).isEqualTo(caller);
    for (String list : List.of("results", "duplicates")) {
      for (JsonNode hit : body.path(list)) {
        assertThat(hit.path("imageId").asText()).startsWith(caller + "-");
        assertThat(hit.path("tenant").asText()).isEqualTo(caller);
      }
    }
  }

  private static void assertEventsStayInTheirTenant(EmbeddedKafka kafka, LookalikeConfig config, int images) throws Exception {
    try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(config.schemaRegistryUrl())) {
      Topics topics = Topics.create(config, registry);
      List<NearDuplicateDetected> pairs = readAll(kafka, topics.nearDuplicates().name(), topics.nearDuplicates().valueSerde().deserializer());
      List<Recommendations> recs = readAll(kafka, topics.recommendations().name(), topics.recommendations().valueSerde().deserializer());
      assertThat(pairs).as("each tenant's copy pairs with its original, and only there")
          .extracting(NearDuplicateDetected::getImageId).contains("t1-img-" + (SHARED + 2), "t2-img-" + (SHARED + 2), "t3-img-" + (SHARED + 2));
      for (NearDuplicateDetected p : pairs) {
        assertThat(p.getImageId()).startsWith(p.getTenant() + "-");
        assertThat(p.getDuplicateOf()).startsWith(p.getTenant() + "-");
      }
      assertThat(recs).isNotEmpty();
      for (Recommendations r : recs) {
        assertThat(r.getItems()).allSatisfy(i -> assertThat(i.getImageId()).startsWith(r.getTenant() + "-"));
      }
    }
  }

  private static <V> List<V> readAll(EmbeddedKafka kafka, String topic, org.apache.kafka.common.serialization.Deserializer<V> values) {
    List<V> out = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), values)) {
      var partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var ends = consumer.endOffsets(partitions);
      await().atMost(Duration.ofMinutes(1)).until(() -> {
        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) out.add(r.value());
        }
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
      });
    }
    return out;
  }

  private static String randomVector(Random random) {
    StringBuilder v = new StringBuilder("[");
    for (int i = 0; i < 160; i++) v.append(i == 0 ? "" : ",").append((float) random.nextGaussian());
    return v.append(']').toString();
  }

  private static boolean embedded(LookalikeService service, String id) throws Exception {
    String tenant = id.substring(0, id.indexOf('-'));
    HttpResponse<String> response = get(service, tenant, "/v1/images/" + id);
    return response.statusCode() == 200 && JSON.readTree(response.body()).path("status").asText().equals("EMBEDDED");
  }

  private static HttpResponse<String> get(LookalikeService service, String tenant, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + path)).header("x-api-key", key(tenant)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(LookalikeService service, String tenant, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + "/v1/search")).header("x-api-key", key(tenant))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
