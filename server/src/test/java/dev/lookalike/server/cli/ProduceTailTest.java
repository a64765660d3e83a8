package dev.lookalike.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.runtime.TopicProvisioner;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
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

  /** The service would only dead-letter them as UNSUPPORTED_FORMAT; the user hears it at once instead. */
  @Test
  void filesThatAreNoImagesAreNotSentAndSaidSo() throws Exception {
    String topic = newTopic();
    Path config = Files.writeString(dir.resolve("client.properties"), "topic.uploaded=" + topic + "\n");
    Path images = Files.createDirectories(dir.resolve("mixed"));
    Files.write(images.resolve("real.png"), png(Color.RED, 7));
    Files.writeString(images.resolve("fake.png"), "a text file with an image's name");
    Path notes = Files.writeString(dir.resolve("notes.txt"), "named on the command line");

    CliRun produce = cli("produce", images.toString(), notes.toString(), "--config", config.toString(), "--quiet");

    assertThat(produce.exitCode()).as(produce.err()).isEqualTo(1);
    assertThat(produce.out()).contains("1 sent, 2 failed");
    assertThat(produce.err()).contains("2 file(s) not sent, not an image", "fake.png", "notes.txt");
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
    Files.write(dir.resolve("images/huge.png"), new byte[100_001]);
    Files.writeString(dir.resolve("images/notes.txt"), "not an image");

    CliRun produce = cli("produce", dir.resolve("images").toString(), "--config", config.toString(),
        "--tenant", "acme", "--tag", "test", "--tag", "cli", "--attribute", "source=unit-test", "--id-prefix", "t/",
        "--max-inline-bytes", "100000");

    assertThat(produce.exitCode()).as(produce.err()).isEqualTo(1);
    assertThat(produce.out()).contains("3 sent, 1 failed");
    assertThat(produce.err()).contains("1 file(s) larger than --max-inline-bytes 100000", "huge.png (100001 bytes)",
        "1 file(s) skipped, unsupported extension", "notes.txt (unsupported extension)");

    CliRun tail = cli("tail", "--topic", "uploaded", "--config", config.toString(), "--from-beginning",
        "--max", "3", "--timeout", "60s", "--full");

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

  /** A phone photo is 2-8 MB: over Kafka's default 1 MB, so the topic and the producer must both allow it. */
  @Test
  void producesAThreeMegabytePhotoIntoTheTopicAsTheServiceCreatesIt() throws Exception {
    String prefix = "cli-big-" + UUID.randomUUID() + "-";
    Path config = Files.writeString(dir.resolve("client.properties"), String.join("\n",
        "application.id=" + prefix + "app", "topic.uploaded=" + prefix + "uploaded", "topic.embedded=" + prefix + "embedded",
        "topic.near-duplicates=" + prefix + "near-duplicates", "topic.recommendations=" + prefix + "recommendations",
        "topic.dead-letter=" + prefix + "dead-letter", ""));
    LookalikeConfig settings = LookalikeConfig.load(config, Map.of());
    new TopicProvisioner(settings, Topics.create(settings, new InMemorySchemaRegistryClient())).ensure(kafka.admin());
    String uploaded = settings.topicNames().uploaded();
    assertThat(topicConfig(uploaded, "max.message.bytes")).isEqualTo(String.valueOf(TopicProvisioner.maxMessageBytes(settings)));
    assertThat(Integer.parseInt(topicConfig(settings.topicNames().deadLetter(), "max.message.bytes")))
        .isGreaterThan(2 * TopicProvisioner.maxMessageBytes(settings));
    byte[] photo = noisePng(1024, 1024);
    assertThat(photo.length).isBetween(3_000_000, 3_300_000);
    Files.write(Files.createDirectories(dir.resolve("phone")).resolve("IMG_0001.png"), photo);

    CliRun produce = cli("produce", dir.resolve("phone").toString(), "--config", config.toString(), "--quiet");

    assertThat(produce.exitCode()).as(produce.err()).isZero();
    assertThat(produce.out()).contains("1 sent, 0 failed");
    CliRun tail = cli("tail", "--topic", "uploaded", "--config", config.toString(), "--from-beginning",
        "--max", "1", "--timeout", "60s", "--full");
    assertThat(tail.exitCode()).as(tail.err()).isZero();
    JsonNode line = JSON.readTree(tail.outLines().get(0));
    assertThat(line.get("key").asText()).isEqualTo("IMG_0001.png");
    assertThat(Base64.getDecoder().decode(line.at("/value/source/data").asText())).isEqualTo(photo);
  }

  /** A topic created with the broker's default limit: the file is reported, with the fix, and not sent. */
  @Test
  void aFileOverTheTopicsLimitIsNotSentAndTheFixIsNamed() throws Exception {
    String topic = newTopic();
    Path config = Files.writeString(dir.resolve("client.properties"), "topic.uploaded=" + topic + "\n");
    byte[] big = new byte[2_000_000];
    System.arraycopy(png(Color.RED, 5), 0, big, 0, 8); // a PNG's signature: the selection looks at the first bytes
    Files.write(Files.createDirectories(dir.resolve("phone")).resolve("big.png"), big);
    Files.write(dir.resolve("phone/small.png"), png(Color.RED, 4));

    CliRun produce = cli("produce", dir.resolve("phone").toString(), "--config", config.toString(), "--quiet");

    assertThat(produce.exitCode()).as(produce.err()).isEqualTo(1);
    assertThat(produce.out()).contains("1 sent, 1 failed");
    assertThat(produce.err()).contains("1 file(s) larger than topic " + topic + "'s max.message.bytes",
        "--add-config max.message.bytes=" + (16 * 1024 * 1024 + 1024 * 1024), "big.png (2000000 bytes)");
  }

  /** Ctrl-C (SIGINT) and SIGTERM run the JVM's shutdown hooks alike; the user hears how far the upload got. */
  @Test
  void stoppedWhileSendingItSaysHowManyReachedKafka() throws Exception {
    String topic = newTopic();
    Path config = Files.writeString(dir.resolve("client.properties"), "topic.uploaded=" + topic + "\n");
    Path images = Files.createDirectories(dir.resolve("many"));
    for (int i = 0; i < 30; i++) Files.write(images.resolve("img-" + i + ".png"), png(Color.BLUE, i));
    Path log = dir.resolve("produce.log");
    ProcessBuilder builder = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), "dev.lookalike.server.cli.LookalikeCli", "produce", images.toString(),
        "--config", config.toString(), "--quiet", "--throttle", "2"))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("LOOKALIKE_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    builder.environment().put("LOOKALIKE_SCHEMA_REGISTRY_URL", registry.ccompatUrl());
    Process produce = builder.start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> records(topic) >= 2 || !produce.isAlive());
      assertThat(produce.isAlive()).as(Files.readString(log)).isTrue();
      produce.destroy(); // SIGTERM
      assertThat(produce.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      produce.destroyForcibly();
    }
    String output = Files.readString(log);
    java.util.regex.Matcher stopped = java.util.regex.Pattern.compile("stopped: (\\d+) of 30 acknowledged by Kafka").matcher(output);
    assertThat(stopped.find()).as(output).isTrue();
    long acknowledged = Long.parseLong(stopped.group(1));
    assertThat(acknowledged).isBetween(2L, 29L).isLessThanOrEqualTo(records(topic));
  }

  private static long records(String topic) throws Exception {
    var partitions = kafka.admin().describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions();
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
    partitions.forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
        org.apache.kafka.clients.admin.OffsetSpec.latest()));
    return kafka.admin().listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
  }

  @Test
  void produceGivesUpAtOnceWhenKafkaIsNotThere() throws Exception {
    Path images = Files.createDirectories(dir.resolve("images"));
    for (int i = 0; i < 3; i++) Files.write(images.resolve(i + ".png"), png(Color.RED, i));
    String nobody = "127.0.0.1:" + freePort();
    Map<String, String> env = Map.of("LOOKALIKE_BOOTSTRAP_SERVERS", nobody, "LOOKALIKE_SCHEMA_REGISTRY_URL", registry.ccompatUrl());

    // Without the check, each of the 3 sends waited max.block.ms (30 s) in turn.
    CliRun produce = assertTimeoutPreemptively(Duration.ofSeconds(45),
        () -> CliRun.withEnv(env, "produce", images.toString(), "--quiet"));

    assertThat(produce.exitCode()).isEqualTo(1);
    assertThat(produce.err()).startsWith("lookalike produce: cannot reach Kafka at " + nobody + ": no answer within 10s");
    assertThat(produce.out()).doesNotContain("sent");
  }

  @Test
  void produceReportsAMissingTopicBeforeSending() throws Exception {
    Path config = Files.writeString(dir.resolve("client.properties"), "topic.uploaded=no.such.uploads\n");
    Files.write(dir.resolve("a.png"), png(Color.RED, 1));

    CliRun produce = cli("produce", dir.resolve("a.png").toString(), "--config", config.toString(), "--quiet");

    assertThat(produce.exitCode()).isEqualTo(1);
    assertThat(produce.err()).contains("topic no.such.uploads does not exist", "(is the service running?");
  }

  @Test
  void aRegistryUrlWithoutTheConfluentPathFailsWithTheRightOne() throws Exception {
    String topic = newTopic();
    Path config = Files.writeString(dir.resolve("client.properties"), "topic.uploaded=" + topic + "\n");
    Files.write(dir.resolve("a.png"), png(Color.RED, 1));

    CliRun produce = cli("produce", dir.resolve("a.png").toString(), "--config", config.toString(), "--quiet",
        "--registry-url", registry.baseUrl());

    assertThat(produce.exitCode()).isEqualTo(1);
    assertThat(produce.out()).as("checked once before any file, not failed file by file").doesNotContain("failed");
    assertThat(produce.err()).contains("is " + registry.baseUrl() + " the registry's Confluent-compatible base URL? Apicurio: "
        + registry.ccompatUrl());
  }

  /** The CLI's default registry URL is where lookalike dev serves the Confluent API. */
  @Test
  void theDefaultRegistryUrlHasThePathDevModeServes() {
    String devPath = URI.create(registry.ccompatUrl()).getPath();
    assertThat(LookalikeConfig.DEFAULT_SCHEMA_REGISTRY_URL).endsWith(":8081" + devPath);
    assertThat(LookalikeConfig.of(Map.of()).schemaRegistryUrl()).isEqualTo(LookalikeConfig.DEFAULT_SCHEMA_REGISTRY_URL);
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
  void tailWithAWrongRegistryUrlFailsAtOnceSayingWhereTheApiIs() {
    CliRun tail = cli("tail", "--topic", "uploaded", "--from-beginning", "--max", "1", "--timeout", "20s",
        "--registry-url", registry.baseUrl());

    assertThat(tail.exitCode()).as("it printed an undecodable line per record and exited 0").isEqualTo(1);
    assertThat(tail.err()).contains("Confluent-compatible base URL? Apicurio: " + registry.ccompatUrl());
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

  private static String topicConfig(String topic, String key) throws Exception {
    awaitLeaders(topic); // else the broker may not know the topic yet (UnknownTopicOrPartitionException, seen in CI)
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return kafka.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(key).value();
  }

  /** Topics just created may not be in the broker's metadata yet. */
  private static void awaitLeaders(String topic) {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> kafka.admin().describeTopics(List.of(topic))
        .allTopicNames().get(5, TimeUnit.SECONDS).get(topic).partitions().stream().allMatch(p -> p.leader() != null));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Random pixels do not compress: about 3 bytes per pixel, like a phone photo's size. */
  private static byte[] noisePng(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(42);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) image.setRGB(x, y, random.nextInt(0x1000000));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
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
