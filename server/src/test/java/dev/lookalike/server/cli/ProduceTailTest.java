package dev.lookalike.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.devstack.EmbeddedKafka;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code produce} then {@code tail} against a real broker and the real schema registry. */
class ProduceTailTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmbeddedKafka kafka;
  private static ApicurioRegistry registry;

  @TempDir
  Path dir;

  @BeforeAll
  static void startStack() {
    kafka = EmbeddedKafka.start();
    registry = ApicurioRegistry.shared();
  }

  @AfterAll
  static void stopStack() {
    if (kafka != null) kafka.close();
  }

  @Test
  void producesAFolderAndTailsItBackAsJson() throws Exception {
    String topic = newTopic();
    Path config = Files.writeString(dir.resolve("client.properties"), "topic.uploaded=" + topic + "\n");
    Path images = Files.createDirectories(dir.resolve("images/red"));
    byte[] red = png(Color.RED, 1);
    Files.write(images.resolve("one.png"), red);
    Files.write(images.resolve("two.png"), png(Color.GREEN, 2));
    Files.write(dir.resolve("images/three.png"), png(Color.BLUE, 3));
    Files.write(dir.resolve("images/huge.png"), new byte[(int) ProduceCommand.DEFAULT_MAX_INLINE_BYTES + 1]);

    CliRun produce = cli("produce", dir.resolve("images").toString(), "--config", config.toString(),
        "--tenant", "acme", "--tag", "test", "--tag", "cli", "--attribute", "source=unit-test", "--id-prefix", "t/");

    assertThat(produce.exitCode()).as(produce.err()).isEqualTo(1);
    assertThat(produce.out()).contains("3 sent, 1 failed");
    assertThat(produce.err()).contains("1 file(s) larger than --max-inline-bytes", "huge.png (921601 bytes)");

    CliRun tail = cli("tail", "--topic", "uploaded", "--config", config.toString(), "--from-beginning",
        "--max", "3", "--timeout", "60s");

    assertThat(tail.exitCode()).as(tail.err()).isZero();
    List<JsonNode> lines = parse(tail.outLines());
    assertThat(lines).extracting(line -> line.get("key").asText())
        .containsExactlyInAnyOrder("t/red/one.png", "t/red/two.png", "t/three.png");
    JsonNode one = lines.stream().filter(line -> line.get("key").asText().equals("t/red/one.png")).findFirst().orElseThrow();
    JsonNode value = one.get("value");
    assertThat(value.get("imageId").asText()).isEqualTo("t/red/one.png");
    assertThat(value.get("tenant").asText()).isEqualTo("acme");
    assertThat(value.get("tags")).extracting(JsonNode::asText).containsExactly("test", "cli");
    assertThat(value.at("/attributes/source").asText()).isEqualTo("unit-test");
    assertThat(value.at("/source/contentType").asText()).isEqualTo("image/png");
    assertThat(Base64.getDecoder().decode(value.at("/source/data").asText())).isEqualTo(red);
  }

  @Test
  void tailPrintsUrlEventsAndMetadataAndTimesOutWhenTooFewCome() throws Exception {
    String topic = newTopic();
    Path config = Files.writeString(dir.resolve("client.properties"), "topic.uploaded=" + topic + "\n");
    Path urls = Files.writeString(dir.resolve("urls.txt"), "https://example.com/cat.jpg\n");

    CliRun produce = cli("produce", "--urls", urls.toString(), "--config", config.toString(), "--quiet");
    assertThat(produce.exitCode()).as(produce.err()).isZero();
    assertThat(produce.out()).contains("1 sent, 0 failed");

    CliRun tail = cli("tail", "--topic", topic, "--config", config.toString(), "--from-beginning", "--metadata",
        "--max", "2", "--timeout", "3s");

    assertThat(tail.exitCode()).isEqualTo(1);
    assertThat(tail.err()).contains("timed out after 3s with 1 of 2 records");
    JsonNode line = JSON.readTree(tail.outLines().get(0));
    assertThat(line.get("topic").asText()).isEqualTo(topic);
    assertThat(line.get("offset").asLong()).isZero();
    assertThat(line.get("key").asText()).isEqualTo("example.com/cat.jpg");
    assertThat(line.at("/value/source/url").asText()).isEqualTo("https://example.com/cat.jpg");
    assertThat(line.at("/value/source/data").isNull()).isTrue();
  }

  @Test
  void tombstonesPrintANullValue() throws Exception {
    String topic = newTopic();
    Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers());
    try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, "gone", null)).get();
    }

    CliRun tail = cli("tail", "--topic", topic, "--from-beginning", "--max", "1", "--timeout", "60s");

    assertThat(tail.exitCode()).as(tail.err()).isZero();
    assertThat(tail.outLines()).containsExactly("{\"key\":\"gone\",\"value\":null}");
  }

  @Test
  void tailReportsAMissingTopic() {
    CliRun tail = cli("tail", "--topic", "no.such.topic", "--timeout", "5s");

    assertThat(tail.exitCode()).isEqualTo(1);
    assertThat(tail.err()).contains("Topic no.such.topic does not exist");
  }

  private static CliRun cli(String... args) {
    Map<String, String> env = Map.of(
        "LOOKALIKE_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "LOOKALIKE_SCHEMA_REGISTRY_URL", registry.ccompatUrl());
    return CliRun.withEnv(env, args);
  }

  /** A topic (and so a registry subject) of this test's own: the registry is shared by the whole run. */
  private static String newTopic() {
    String name = "cli-test-" + UUID.randomUUID();
    kafka.createTopic(name, 2, Map.of());
    return name;
  }

  private static List<JsonNode> parse(List<String> lines) throws Exception {
    List<JsonNode> nodes = new java.util.ArrayList<>();
    for (String line : lines) nodes.add(JSON.readTree(line));
    return nodes;
  }

  private static byte[] png(Color color, long seed) throws Exception {
    BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 32, 24);
    g.setColor(new Color(new Random(seed).nextInt(0xFFFFFF)));
    g.fillOval(4, 4, 12, 12);
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }
}
