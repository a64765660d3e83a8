package dev.lookalike.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.serde.ConfluentAvroSerde;
import dev.lookalike.topology.deadletter.ReplayHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replaying dead letters: retriable ones go back to their source topic byte for byte, once, unless their image moved on. */
class ReplayCommandTest {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  void retriableDeadLettersGoBackOnceAndTheRestStay() throws Exception {
    Topics topics = Topics.create(2);
    String source = topics.source();
    send(topics.deadLetters(),
        letter(source, "a", "PROVIDER_UNAVAILABLE", true, "original-a"),
        letter(source, "b", "UNDECODABLE_IMAGE", false, "original-b"),
        letter(source, "c", "FETCH_TIMEOUT", true, null));
    Map<String, String> env = topics.env();

    CliRun dry = CliRun.withEnv(env, "replay", "--dry-run");
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("would replay a", "1 would be replayed, 1 not retriable, 1 without original bytes, 0 filtered out, 0 superseded")
        .doesNotContain("would replay b");

    CliRun first = CliRun.withEnv(env, "replay");
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("1 replayed, 1 not retriable, 1 without original bytes");
    assertThat(readAll(source)).as("marked with where the original stood, so the topology can tell if it was superseded")
        .containsExactly("a=original-a [replay of 0:7]");

    CliRun second = CliRun.withEnv(env, "replay", "--all");
    assertThat(second.out()).as("each dead letter is handled once").contains("0 replayed");
    assertThat(readAll(source)).containsExactly("a=original-a [replay of 0:7]");
  }

  @Test
  void replayGivesUpAtOnceWhenKafkaIsNotThere() throws Exception {
    String nobody;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      nobody = "127.0.0.1:" + socket.getLocalPort();
    }
    Map<String, String> env = Map.of("LOOKALIKE_BOOTSTRAP_SERVERS", nobody,
        "LOOKALIKE_SCHEMA_REGISTRY_URL", ApicurioRegistry.shared().ccompatUrl());

    // Without the check it waited for the topic's metadata until --timeout (60 s).
    CliRun replay = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(45),
        () -> CliRun.withEnv(env, "replay"));

    assertThat(replay.exitCode()).isEqualTo(1);
    assertThat(replay.err()).startsWith("lookalike replay: cannot reach Kafka at " + nobody + ": no answer within 10s");
  }

  /** A run moves past the letters it skips; --from-beginning reaches them again, and not what was replayed before. */
  @Test
  void fromTheBeginningReachesLettersEarlierRunsSkippedButNotThoseTheyReplayed() throws Exception {
    Topics topics = Topics.create(1);
    String source = topics.source();
    sendEvents(source,
        "too-big", "upload-1", // offset 0, failed for good, until a limit is raised
        "outage", "upload-2"); // 1, failed for now
    send(topics.deadLetters(),
        letter(source, 0, "too-big", "IMAGE_TOO_LARGE", false, "upload-1"),
        letter(source, 1, "outage", "PROVIDER_UNAVAILABLE", true, "upload-2"));
    Map<String, String> env = topics.env();

    assertThat(CliRun.withEnv(env, "replay").out()).contains("1 replayed, 1 not retriable");
    assertThat(CliRun.withEnv(env, "replay", "--all").out()).as("the first run moved past both").contains("0 replayed");

    CliRun again = CliRun.withEnv(env, "replay", "--all", "--from-beginning");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("1 replayed", "1 superseded by a later event of their image");
    assertThat(readAll(source)).containsExactly(
        "too-big=upload-1", "outage=upload-2", "outage=upload-2 [replay of 0:1]", "too-big=upload-1 [replay of 0:0]");
  }

  /**
   * An image deleted or uploaded again after its upload failed must not come back with the old
   * upload: replay reads the source partition for later events of the same key.
   */
  @Test
  void aDeadLetterWhoseImageWasDeletedOrUploadedAgainIsSkipped() throws Exception {
    Topics topics = Topics.create(1);
    String source = topics.source();
    sendEvents(source,
        "deleted", "upload-1", // offset 0, failed
        "kept", "upload-2", // 1, failed
        "deleted", null, // 2: its owner deleted it
        "again", "upload-4", // 3, failed
        "again", "upload-5"); // 4: uploaded again, and stored
    send(topics.deadLetters(),
        letter(source, 0, "deleted", "PROVIDER_UNAVAILABLE", true, "upload-1"),
        letter(source, 1, "kept", "PROVIDER_UNAVAILABLE", true, "upload-2"),
        letter(source, 3, "again", "FETCH_TIMEOUT", true, "upload-4"));
    Map<String, String> env = topics.env();

    CliRun dry = CliRun.withEnv(env, "replay", "--dry-run");
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("would skip deleted", "would skip again", "would replay kept",
        "1 would be replayed, 0 not retriable, 0 without original bytes, 0 filtered out, 2 superseded by a later event of their image");

    CliRun run = CliRun.withEnv(env, "replay");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("1 replayed", "2 superseded");
    assertThat(readAll(source)).containsExactly(
        "deleted=upload-1", "kept=upload-2", "deleted=null", "again=upload-4", "again=upload-5", "kept=upload-2 [replay of 0:1]");
  }

  /** A fresh application's dead-letter and source topics, and the environment that points the CLI at them. */
  private record Topics(String app, String deadLetters, String source) {
    static Topics create(int partitions) {
      String app = "replay-" + UUID.randomUUID().toString().substring(0, 8);
      Topics topics = new Topics(app, app + ".dead-letter", app + ".uploaded");
      kafka.createTopic(topics.deadLetters, partitions, Map.of());
      kafka.createTopic(topics.source, partitions, Map.of());
      return topics;
    }

    Map<String, String> env() {
      return Map.of(
          "LOOKALIKE_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
          "LOOKALIKE_SCHEMA_REGISTRY_URL", ApicurioRegistry.shared().ccompatUrl(),
          "LOOKALIKE_APPLICATION_ID", app,
          "LOOKALIKE_TOPIC_DEAD_LETTER", deadLetters);
    }
  }

  /** Sends dead letters keyed as the service does: by the image id. */
  /** Key, value, key, value...: sent in order, one after another, so their offsets are their positions. */
  private static void sendEvents(String topic, String... keysAndValues) throws Exception {
    try (KafkaProducer<String, String> events = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < keysAndValues.length; i += 2) {
        events.send(new ProducerRecord<>(topic, keysAndValues[i], keysAndValues[i + 1])).get();
      }
    }
  }

  private static void send(String topic, DeadLetter... letters) throws Exception {
    try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(ApicurioRegistry.shared().ccompatUrl());
         KafkaProducer<String, DeadLetter> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
             kafka.bootstrapServers()), new StringSerializer(), new ConfluentAvroSerde<>(registry, DeadLetter.class, false, true).serializer())) {
      for (DeadLetter letter : letters) producer.send(new ProducerRecord<>(topic, letter.getKey(), letter)).get();
    }
  }

  private static DeadLetter letter(String source, String key, String code, boolean retriable, String original) {
    return letter(source, 7, key, code, retriable, original);
  }

  private static DeadLetter letter(String source, long offset, String key, String code, boolean retriable, String original) {
    return DeadLetter.newBuilder().setSourceTopic(source).setSourcePartition(0).setSourceOffset(offset).setKey(key)
        .setErrorCode(code).setMessage("test").setRetriable(retriable)
        .setOriginalValue(original == null ? null : ByteBuffer.wrap(original.getBytes(StandardCharsets.UTF_8)))
        .setFailedAt(Instant.now()).build();
  }

  private static List<String> readAll(String topic) {
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Header replayOf = r.headers().lastHeader(ReplayHeader.NAME);
          out.add(new String(r.key(), StandardCharsets.UTF_8) + "=" + (r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8))
              + (replayOf == null ? "" : " [replay of " + new String(replayOf.value(), StandardCharsets.UTF_8) + "]"));
        }
      }
    }
    return out;
  }
}
