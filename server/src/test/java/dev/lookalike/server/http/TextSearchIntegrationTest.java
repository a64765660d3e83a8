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
import dev.lookalike.embedding.onnx.TinyClip;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.server.LookalikeService;
import dev.lookalike.topology.Topics;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text-to-image search end to end: a CLIP-style vector configured only through properties (tiny
 * image and text towers and a tokenizer.json built by the test, since no CLIP model can be had
 * here), images through Kafka, and nearText over HTTP, beside the default perceptual vector.
 */
class TextSearchIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void nearTextFindsTheMatchingImage() throws Exception {
    Path image = TinyClip.imageTower(tmp.resolve("vision.onnx"), TinyClip.DIMS);
    Path text = TinyClip.textTower(tmp.resolve("text.onnx"));
    Path tokenizer = TinyClip.tokenizer(tmp);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      LookalikeConfig config = LookalikeConfig.of(Map.ofEntries(
          Map.entry(LookalikeConfig.APPLICATION_ID, "text-it"),
          Map.entry(LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()),
          Map.entry(LookalikeConfig.SCHEMA_REGISTRY_URL, ApicurioRegistry.shared().ccompatUrl()),
          Map.entry(LookalikeConfig.HTTP_PORT, "0"),
          Map.entry(LookalikeConfig.TOPICS_PARTITIONS, "2"),
          Map.entry(LookalikeConfig.STATE_DIR, tmp.resolve("state").toString()),
          Map.entry("topic.uploaded", "text.images.uploaded"),
          Map.entry("vectors", "perceptual,clip"),
          Map.entry("vector.perceptual.recommend.k", "0"),
          Map.entry("vector.clip.embedder", "clip"),
          Map.entry("vector.clip.model.path", image.toString()),
          Map.entry("vector.clip.text.model.path", text.toString()),
          Map.entry("vector.clip.tokenizer.path", tokenizer.toString())));
      try (LookalikeService service = LookalikeService.start(config)) {
        assertThat(service.awaitReady(Duration.ofMinutes(2))).isTrue();
        publish(kafka, config, Map.of("red", Color.RED, "green", Color.GREEN, "blue", Color.BLUE));
        await().atMost(Duration.ofMinutes(1)).until(() -> embedded(service, "red") && embedded(service, "green") && embedded(service, "blue"));

        for (String colour : List.of("red", "green", "blue")) {
          JsonNode hits = JSON.readTree(post(service, "/v1/search",
              "{\"nearText\":{\"concepts\":[\"a photo of " + colour + "\"]},\"targetVector\":\"clip\",\"limit\":3}").body());
          assertThat(StreamSupport.stream(hits.path("results").spliterator(), false).map(h -> h.path("imageId").asText()).toList())
              .as(hits.toString()).first().isEqualTo(colour);
        }
        HttpResponse<String> vectorized = post(service, "/computervision/retrieval:vectorizeText?model-version=clip", "{\"text\":\"red\"}");
        assertThat(JSON.readTree(vectorized.body()).path("vector")).hasSize(TinyClip.DIMS);
        assertThat(post(service, "/v1/search", "{\"nearText\":{\"text\":\"red\"}}").statusCode())
            .as("the default perceptual vector has no text encoder").isEqualTo(422);
      }
    }
  }

  private static void publish(EmbeddedKafka kafka, LookalikeConfig config, Map<String, Color> colours) throws Exception {
    try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(config.schemaRegistryUrl());
         KafkaProducer<String, ImageUploaded> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
             kafka.bootstrapServers()), new StringSerializer(), Topics.create(config, registry).uploaded().valueSerde().serializer())) {
      for (Map.Entry<String, Color> e : colours.entrySet()) {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(e.getValue());
        g.fillRect(0, 0, 64, 64);
        g.dispose();
        producer.send(new ProducerRecord<>("text.images.uploaded", e.getKey(), ImageUploaded.newBuilder().setImageId(e.getKey())
            .setSource(ImageSource.newBuilder().setData(ByteBuffer.wrap(TestImages.encode(img, "png"))).build())
            .setUploadedAt(Instant.now()).build())).get();
      }
    }
  }

  private static boolean embedded(LookalikeService service, String id) throws Exception {
    HttpResponse<String> response = get(service, "/v1/images/" + id + "?targetVector=clip");
    return response.statusCode() == 200 && JSON.readTree(response.body()).path("status").asText().equals("EMBEDDED");
  }

  private static HttpResponse<String> get(LookalikeService service, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(LookalikeService service, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + path)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
