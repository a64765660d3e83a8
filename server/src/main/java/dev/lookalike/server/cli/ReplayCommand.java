package dev.lookalike.server.cli;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.server.SchemaRegistries;
import dev.lookalike.serde.ConfluentAvroSerde;
import dev.lookalike.topology.deadletter.ReplayHeader;
import dev.lookalike.topology.runtime.TopicProvisioner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lookalike replay}: sends dead letters' original events back to the topic they came
 * from, byte for byte, so what failed for a passing reason (a provider outage, a timeout) is
 * processed again. Offsets are committed in a consumer group, so each dead letter is replayed
 * once; replays that fail again become new dead letters, which a later run picks up. A dead
 * letter whose image had a later event (uploaded again, or deleted) is not replayed: the old
 * upload would overwrite the newer one, or bring back an image its owner deleted. A later event
 * that arrives after this scan is caught by the service itself, which drops a replay (marked by
 * {@link ReplayHeader}) of an image with a later event.
 */
@Command(name = "replay", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    header = "Replay dead letters: send their original events back to their source topic.",
    description = {
        "",
        "By default only retriable dead letters are replayed (provider outages, timeouts, 5xx); --all replays every one "
            + "that kept its original bytes, --code limits to given reasons. Reads committed records up to the end "
            + "of the topic as it was at start, in the consumer group <application.id>-replay: a letter a run skipped "
            + "(not retriable, filtered out) is read again only with --from-beginning. A dead letter whose image "
            + "had a later event in its source topic (uploaded again, or deleted) is skipped as superseded: replaying it "
            + "would overwrite the newer upload or bring back a deleted image.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lookalike replay",
        "  lookalike replay --code PROVIDER_UNAVAILABLE --code FETCH_TIMEOUT",
        "  lookalike replay --all --dry-run",
        "  lookalike replay --all --from-beginning"})
final class ReplayCommand implements Callable<Integer> {

  private static final Duration POLL = Duration.ofMillis(500);

  @ParentCommand
  LookalikeCli root;

  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Option(names = "--all", description = "Replay non-retriable dead letters too (e.g. after fixing a bug or a limit).")
  boolean all;

  @Option(names = "--code", paramLabel = "CODE", description = "Only dead letters with this error code; repeatable.")
  List<String> codes;

  @Option(names = "--dry-run", description = "Print what would be replayed; commit nothing, send nothing.")
  boolean dryRun;

  @Option(names = "--from-beginning", description = "Read every dead letter, not only those after the position of earlier "
      + "runs, which skipped some for good (e.g. --all --from-beginning after fixing a bug or a limit). Letters replayed "
      + "before are skipped as superseded: their replay is a later event of their image.")
  boolean fromBeginning;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "60s",
      description = "Give up after this long (default ${DEFAULT-VALUE}).")
  Duration timeout;

  private Tally tally = Tally.NONE; // of this run

  record Tally(int replayed, int notRetriable, int noOriginal, int filtered, int superseded) {
    static final Tally NONE = new Tally(0, 0, 0, 0, 0);
    static final Tally REPLAYED = new Tally(1, 0, 0, 0, 0);
    static final Tally NOT_RETRIABLE = new Tally(0, 1, 0, 0, 0);
    static final Tally NO_ORIGINAL = new Tally(0, 0, 1, 0, 0);
    static final Tally FILTERED = new Tally(0, 0, 0, 1, 0);
    static final Tally SUPERSEDED = new Tally(0, 0, 0, 0, 1);

    Tally add(Tally other) {
      return new Tally(replayed + other.replayed, notRetriable + other.notRetriable, noOriginal + other.noOriginal,
          filtered + other.filtered, superseded + other.superseded);
    }
  }

  /**
   * Two passes over the dead letters, from the group's committed position to the topic's end as
   * it was at start: the first finds where their events came from, so that the source topics are
   * read once for later events of the same keys ({@link LaterEvents}); the second replays.
   */
  @Override
  public Integer call() {
    LookalikeConfig config = client.load(root.env());
    String topic = config.topicNames().deadLetter();
    TopicCheck.check(config, topic, TopicCheck.TIMEOUT); // an absent cluster: one clear line within seconds, not a minute
    try (RestSchemaRegistryClient registry = SchemaRegistries.create(config);
         KafkaConsumer<String, DeadLetter> consumer = new KafkaConsumer<>(consumerProps(config), new StringDeserializer(),
             new ConfluentAvroSerde<>(registry, DeadLetter.class, false, false).deserializer());
         KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(config), new ByteArraySerializer(),
             new ByteArraySerializer())) {
      registry.checkReachable();
      List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      if (fromBeginning) consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> starts = new HashMap<>();
      partitions.forEach(tp -> starts.put(tp, consumer.position(tp)));
      long deadline = System.nanoTime() + timeout.toNanos();

      Map<TopicPartition, Long> earliestSources = new HashMap<>();
      readUpToEnds(consumer, ends, deadline, letter -> {
        if (skipped(letter) == null) earliestSources.merge(LaterEvents.sourceOf(letter), letter.getSourceOffset(), Math::min);
      }, batch -> {});
      LaterEvents later = LaterEvents.scan(ClientOptions.kafkaProperties(config, "lookalike-replay"), earliestSources, deadline);

      starts.forEach(consumer::seek);
      readUpToEnds(consumer, ends, deadline, letter -> tally = tally.add(replay(letter, later, producer)), done -> {
        if (dryRun) return;
        producer.flush(); // sent before the dead letters count as done
        consumer.commitSync(done);
      });
      Tally t = tally;
      spec.commandLine().getOut().printf("%d %s, %d not retriable, %d without original bytes, %d filtered out, "
          + "%d superseded by a later event of their image%s%n", t.replayed, dryRun ? "would be replayed" : "replayed",
          t.notRetriable, t.noOriginal, t.filtered, t.superseded, dryRun ? " (dry run: nothing sent)" : "");
      return ExitCode.OK;
    }
  }

  /**
   * Hands every dead letter below {@code ends} to {@code each}; after each poll that had some,
   * hands {@code afterBatch} the offsets to commit for them.
   */
  private void readUpToEnds(KafkaConsumer<String, DeadLetter> consumer, Map<TopicPartition, Long> ends, long deadline,
      Consumer<DeadLetter> each, Consumer<Map<TopicPartition, OffsetAndMetadata>> afterBatch) {
    while (!caughtUp(consumer, ends)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + DurationConverter.format(timeout));
      Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
      for (ConsumerRecord<String, DeadLetter> record : consumer.poll(POLL)) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (record.offset() >= ends.get(tp)) continue;
        if (record.value() != null) each.accept(record.value());
        done.put(tp, new OffsetAndMetadata(record.offset() + 1));
      }
      if (!done.isEmpty()) afterBatch.accept(done);
    }
  }

  /** Why a dead letter is not for this run (its tally), or null if it is. */
  private Tally skipped(DeadLetter letter) {
    if (codes != null && !codes.isEmpty() && !codes.contains(letter.getErrorCode())) return Tally.FILTERED;
    if (!all && !letter.getRetriable()) return Tally.NOT_RETRIABLE;
    if (letter.getOriginalValue() == null) return Tally.NO_ORIGINAL;
    return null;
  }

  private Tally replay(DeadLetter letter, LaterEvents later, KafkaProducer<byte[], byte[]> producer) {
    Tally skipped = skipped(letter);
    if (skipped != null) return skipped;
    if (later.supersede(letter)) {
      if (dryRun) spec.commandLine().getOut().printf("would skip %s: a later event of it follows in %s%n", letter.getKey(), letter.getSourceTopic());
      return Tally.SUPERSEDED;
    }
    if (dryRun) {
      spec.commandLine().getOut().printf("would replay %s -> %s (%s)%n", letter.getKey(), letter.getSourceTopic(), letter.getErrorCode());
      return Tally.REPLAYED;
    }
    byte[] key = letter.getKey() == null ? null : letter.getKey().getBytes(StandardCharsets.UTF_8);
    // The header lets the topology drop the replay if a later event of the image arrives before it (see ReplayHeader).
    producer.send(new ProducerRecord<>(letter.getSourceTopic(), null, key, bytes(letter.getOriginalValue()),
        List.of(ReplayHeader.of(letter.getSourcePartition(), letter.getSourceOffset()))));
    return Tally.REPLAYED;
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
    Set<TopicPartition> behind = new HashSet<>();
    ends.forEach((tp, end) -> {
      if (consumer.position(tp) < end) behind.add(tp);
    });
    return behind.isEmpty();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  private static Properties consumerProps(LookalikeConfig config) {
    Properties props = ClientOptions.kafkaProperties(config, "lookalike-replay");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-replay");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  private static Properties producerProps(LookalikeConfig config) {
    Properties props = ClientOptions.kafkaProperties(config, "lookalike-replay");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Dead letters of uploads hold the upload whole, an inline image at image.max.bytes included.
    props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(TopicProvisioner.maxMessageBytes(config)));
    return props;
  }
}
