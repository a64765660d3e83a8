package dev.lookalike.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.TopicNames;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.server.SchemaRegistries;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lookalike tail}: prints a topic's records as JSON lines. */
@Command(name = "tail", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    header = "Print a topic's events as JSON, one per line.",
    description = {
        "",
        "Reads committed records only (read_committed), from the end unless --from-beginning, "
            + "without joining a consumer group.",
        "Each line is {\"key\": ..., \"value\": ...}; a deleted image (tombstone) has \"value\": null. "
            + "Embedding vectors, inline images and dead-letter payloads are abridged unless --full.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lookalike tail --topic near-duplicates",
        "  lookalike tail --topic recommendations --from-beginning --max 10 | jq .value",
        "  lookalike tail --topic embedded --from-beginning --full --metadata"})
final class TailCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);
  private static final Duration METADATA_TIMEOUT = TopicCheck.TIMEOUT;

  @ParentCommand
  LookalikeCli root;

  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Option(names = "--topic", required = true, paramLabel = "TOPIC",
      description = "A role (uploaded, embedded, near-duplicates, recommendations, dead-letter) or a topic name.")
  String topic;

  @Option(names = "--from-beginning", description = "Start at the oldest record instead of the end.")
  boolean fromBeginning;

  @Option(names = "--max", paramLabel = "N", description = "Exit after N records.")
  Integer max;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Exit after this long (e.g. 30s, 2m, PT1M); with --max, exit 1 if fewer records came.")
  Duration timeout;

  @Option(names = "--full", description = "Print vectors, inline images and dead-letter payloads in full.")
  boolean full;

  @Option(names = "--metadata", description = "Add topic, partition, offset and timestamp to each line.")
  boolean metadata;

  @Override
  public Integer call() throws Exception {
    if (max != null && max < 1) throw new ParameterException(spec.commandLine(), "--max must be at least 1");
    LookalikeConfig config = client.load(root.env());
    String name = topicName(topic, config.topicNames());
    try (RestSchemaRegistryClient registry = SchemaRegistries.create(config);
         KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(config),
             new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      registry.checkReachable(); // a wrong URL printed an "undecodable" line per record, exit 0
      seek(consumer, name, config.bootstrapServers());
      RecordPrinter printer = new RecordPrinter(new WireDecoder(registry), new AvroJson(full), metadata, spec.commandLine().getOut());
      Outcome outcome = pollUntilDone(consumer, printer);
      if (max != null && outcome.printed() < max && !outcome.interrupted()) {
        throw new IllegalStateException("timed out after " + DurationConverter.format(timeout) + " with "
            + outcome.printed() + " of " + max + " records");
      }
      return ExitCode.OK;
    }
  }

  /** A role name maps to the configured topic; anything else is taken as a topic name. */
  static String topicName(String roleOrName, TopicNames names) {
    return switch (roleOrName) {
      case "uploaded" -> names.uploaded();
      case "embedded" -> names.embedded();
      case "near-duplicates" -> names.nearDuplicates();
      case "recommendations" -> names.recommendations();
      case "dead-letter" -> names.deadLetter();
      default -> roleOrName;
    };
  }

  private static Properties properties(LookalikeConfig config) {
    Properties props = ClientOptions.kafkaProperties(config, "lookalike-tail");
    // Events of aborted transactions (a failed Streams commit) were never really published.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(), not subscribe(): never disturb a group
    return props;
  }

  private void seek(KafkaConsumer<byte[], byte[]> consumer, String name, String bootstrapServers) {
    Duration wait = timeout != null && timeout.compareTo(METADATA_TIMEOUT) < 0 ? timeout : METADATA_TIMEOUT;
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(name, wait);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new IllegalStateException("No answer from Kafka at " + bootstrapServers + " within " + DurationConverter.format(wait), e);
    }
    if (infos == null || infos.isEmpty()) throw new IllegalStateException("Topic " + name + " does not exist");
    List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    // Resolve positions now: "the end" is the end when tail started, not at the first poll.
    partitions.forEach(consumer::position);
  }

  private record Outcome(int printed, boolean interrupted) {}

  /** Polls until --max records, --timeout, or Ctrl-C. */
  private Outcome pollUntilDone(KafkaConsumer<byte[], byte[]> consumer, RecordPrinter printer) throws JsonProcessingException {
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      consumer.wakeup();
      awaitQuietly(done);
    }, "lookalike-tail-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    int printed = 0;
    try {
      while ((max == null || printed < max) && deadline - System.nanoTime() > 0) {
        Duration wait = Duration.ofNanos(Math.min(deadline - System.nanoTime(), 1_000_000_000L));
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
          printer.print(record);
          printed++;
          if (max != null && printed >= max) break;
        }
      }
      return new Outcome(printed, false);
    } catch (WakeupException ctrlC) {
      return new Outcome(printed, true); // stop quietly, with everything printed so far
    } finally {
      done.countDown();
      removeHook(hook);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running; it is waiting for us.
    }
  }

  /** One JSON line per record; values that do not decode are shown, not fatal. */
  record RecordPrinter(WireDecoder decoder, AvroJson avroJson, boolean metadata, PrintWriter out) {

    void print(ConsumerRecord<byte[], byte[]> record) throws JsonProcessingException {
      ObjectNode line = JSON.createObjectNode();
      if (metadata) {
        line.put("topic", record.topic()).put("partition", record.partition()).put("offset", record.offset())
            .put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
      }
      line.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
      line.set("value", value(record.value()));
      out.println(JSON.writeValueAsString(line));
      out.flush();
    }

    private JsonNode value(byte[] bytes) {
      if (bytes == null) return JSON.nullNode();
      try {
        Object datum = decoder.decode(bytes);
        return datum instanceof IndexedRecord record ? avroJson.record(record) : JSON.valueToTree(String.valueOf(datum));
      } catch (Exception e) {
        return JSON.valueToTree(Map.of("undecodable", LookalikeCli.ErrorReporter.describe(e), "bytes", bytes.length));
      }
    }
  }
}
