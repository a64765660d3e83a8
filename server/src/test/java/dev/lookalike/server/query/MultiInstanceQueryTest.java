package dev.lookalike.server.query;

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
import dev.lookalike.server.tls.TestCertificates;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances share the partitions: every query gives the same answer through either of them,
 * and while one leaves, answers are complete or an honest 503 (with Retry-After), never partial.
 * They serve HTTPS with one shared self-signed certificate, so the forwarded queries go over TLS
 * too (plain HTTP between instances is the same client, tested in PeerClientTest and AuthTest).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceQueryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static HttpClient HTTP;
  private static TestCertificates.Identity certificate;
  private static final int BASES = 12;
  private static final String KEY = "multi-key";
  private static EmbeddedKafka kafka;
  private static LookalikeService first;
  private static LookalikeService second;
  private static final List<String> ids = new ArrayList<>();

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    certificate = TestCertificates.selfSigned(tmp, "localhost", "EC");
    HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(certificate.sslContext()).build();
    kafka = EmbeddedKafka.start();
    first = LookalikeService.start(config("a"));
    second = LookalikeService.start(config("b"));
    await().atMost(Duration.ofMinutes(2)).until(() -> first.awaitReady(Duration.ZERO) && second.awaitReady(Duration.ZERO)
        && activePartitions(first) > 0 && activePartitions(second) > 0
        && activePartitions(first) + activePartitions(second) == 4);
    publish();
    await().atMost(Duration.ofMinutes(2)).until(() -> {
      for (String id : ids) {
        if (!embedded(id)) return false;
      }
      return true;
    });
  }

  private static LookalikeConfig config(String name) {
    Map<String, String> config = new HashMap<>();
    config.put(LookalikeConfig.APPLICATION_ID, "multi-it");
    config.put(LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    config.put(LookalikeConfig.SCHEMA_REGISTRY_URL, ApicurioRegistry.shared().ccompatUrl());
    config.put(LookalikeConfig.HTTP_PORT, "0");
    config.put(LookalikeConfig.TOPICS_PARTITIONS, "4");
    config.put(LookalikeConfig.STATE_DIR, tmp.resolve(name).toString());
    config.put("topic.uploaded", "multi.images.uploaded");
    config.put("topic.embedded", "multi.images.embedded");
    // With keys, instances forward to each other with the token of the secret they share.
    config.put(LookalikeConfig.AUTH_API_KEYS, ApiKeysTest.hash(KEY) + ":default");
    config.put(LookalikeConfig.AUTH_PEER_SECRET, "multi-it peers");
    // The certificate names 127.0.0.1, each instance's advertised host (its http.host).
    config.put(LookalikeConfig.HTTP_TLS_CERTIFICATE, certificate.certificatePem().toString());
    config.put(LookalikeConfig.HTTP_TLS_PRIVATE_KEY, certificate.keyPem().toString());
    return LookalikeConfig.of(config);
  }

  private static long activePartitions(LookalikeService service) {
    return service.streams().streams().metadataForLocalThreads().stream()
        .map(ThreadMetadata::activeTasks).flatMap(java.util.Collection::stream)
        .flatMap(task -> task.topicPartitions().stream())
        .filter(tp -> tp.topic().equals("multi.images.embedded")).count();
  }

  private static void publish() throws Exception {
    LookalikeConfig config = config("a");
    try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(config.schemaRegistryUrl());
         KafkaProducer<String, ImageUploaded> producer = new KafkaProducer<>(
             Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
             Topics.create(config, registry).uploaded().valueSerde().serializer())) {
      long t = 1_000;
      for (int b = 0; b < BASES; b++) {
        BufferedImage base = TestImages.generate(900 + b);
        send(producer, "m-" + b, TestImages.encode(base, "png"), t++);
        send(producer, "m-" + b + "-small", TestImages.jpeg(TestImages.resize(base, 0.5), 40), t++);
      }
      producer.flush();
    }
  }

  private static void send(KafkaProducer<String, ImageUploaded> producer, String id, byte[] bytes, long at) {
    ids.add(id);
    producer.send(new ProducerRecord<>("multi.images.uploaded", id, ImageUploaded.newBuilder().setImageId(id)
        .setSource(ImageSource.newBuilder().setData(ByteBuffer.wrap(bytes)).build())
        .setUploadedAt(Instant.ofEpochMilli(at)).build()));
  }

  @AfterAll
  static void stop() {
    if (second != null) second.close();
    if (first != null) first.close();
    if (kafka != null) kafka.close();
  }

  @Test
  @Order(1)
  void anyInstanceAnswersAnyQueryTheSame() throws Exception {
    for (String id : ids) {
      assertThat(body(first, "/v1/images/" + id)).isEqualTo(body(second, "/v1/images/" + id));
    }
    for (int b = 0; b < BASES; b++) {
      String similar = "/v1/images/m-" + b + "/similar?limit=5";
      JsonNode viaFirst = JSON.readTree(body(first, similar));
      assertThat(viaFirst).isEqualTo(JSON.readTree(body(second, similar)));
      assertThat(viaFirst.path("results")).hasSize(5);
      assertThat(viaFirst.path("results").get(0).path("imageId").asText()).isEqualTo("m-" + b + "-small");
      assertThat(JSON.readTree(body(second, "/v1/images/m-" + b + "/duplicates")).path("duplicates").get(0).path("imageId").asText())
          .isEqualTo("m-" + b + "-small");
    }
  }

  @Test
  @Order(2) // stops the second instance
  void whileAnInstanceLeavesAnswersAreCompleteOrAnHonest503() throws Exception {
    String query = "/v1/images/m-0/similar?limit=5";
    JsonNode before = JSON.readTree(body(first, query));
    second.close();
    Map<Integer, Integer> statuses = new HashMap<>();
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
      HttpResponse<String> response = get(first, query);
      statuses.merge(response.statusCode(), 1, Integer::sum);
      if (response.statusCode() == 503) {
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).isEqualTo("NOT_READY");
        return false;
      }
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      // A 200 is always the complete answer, never a partial one.
      assertThat(JSON.readTree(response.body())).isEqualTo(before);
      return activePartitions(first) == 4;
    });
    assertThat(statuses.keySet()).isSubsetOf(200, 503);
    second = null;
  }

  private static boolean embedded(String id) throws Exception {
    HttpResponse<String> response = get(first, "/v1/images/" + id);
    return response.statusCode() == 200 && JSON.readTree(response.body()).path("status").asText().equals("EMBEDDED");
  }

  private static String body(LookalikeService service, String path) throws Exception {
    HttpResponse<String> response = get(service, path);
    assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
    return response.body();
  }

  private static HttpResponse<String> get(LookalikeService service, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + path)).timeout(Duration.ofSeconds(30))
        .header("x-api-key", KEY).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
