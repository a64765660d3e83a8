package dev.lookalike.server.cli;

import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.server.SchemaRegistries;
import dev.lookalike.topology.Topic;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.runtime.TopicProvisioner;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Publishes {@link ImageUploaded} events to the uploaded topic in the Confluent wire format,
 * keyed by image id, the way any producer of the service should: idempotent, acks=all.
 * Sends are asynchronous; {@link #finish()} waits for every acknowledgement.
 */
public final class UploadProducer implements AutoCloseable {

  /** Failures of individual sends, by image id. */
  public record Failure(String imageId, String message) {}

  /** The outcome of all sends since this producer was created. */
  public record Summary(int sent, List<Failure> failures) {
    public int failed() { return failures.size(); }

    @Override
    public String toString() { return sent + " sent, " + failed() + " failed"; }
  }

  private final RestSchemaRegistryClient registry;
  private final KafkaProducer<String, ImageUploaded> producer;
  private final String topic;
  private final AtomicInteger sent = new AtomicInteger();
  private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  private final Runnable onCompletion;
  private final int maxRecordBytes;

  private UploadProducer(RestSchemaRegistryClient registry, KafkaProducer<String, ImageUploaded> producer,
                         String topic, Runnable onCompletion, int maxRecordBytes) {
    this.registry = registry;
    this.producer = producer;
    this.topic = topic;
    this.onCompletion = onCompletion;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** @param onCompletion runs after each acknowledged or failed send (e.g. to step a progress bar) */
  public static UploadProducer create(LookalikeConfig config, String clientId, Runnable onCompletion) {
    RestSchemaRegistryClient registry = SchemaRegistries.create(config);
    Topic<String, ImageUploaded> uploaded = Topics.create(config, registry).uploaded();
    try {
      var producer = new KafkaProducer<>(properties(config, clientId), uploaded.keySerde().serializer(),
          uploaded.valueSerde().serializer());
      return new UploadProducer(registry, producer, uploaded.name(), onCompletion, TopicProvisioner.maxMessageBytes(config));
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  static Properties properties(LookalikeConfig config, String clientId) {
    Properties props = ClientOptions.kafkaProperties(config, clientId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // Small batches leave quickly; images are already compressed, so no compression.
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // Inline images up to image.max.bytes: the same record limit the service provisions the uploaded
    // topic with. A record must also fit the buffer; two fit, so the next file is read while one is sent.
    int maxRecord = TopicProvisioner.maxMessageBytes(config);
    props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(maxRecord));
    props.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(Math.max(64L * 1024 * 1024, 2L * maxRecord)));
    // Fail a send (reported per image) rather than hang when the cluster is unreachable.
    props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    return props;
  }

  public String topic() {
    return topic;
  }

  /** Sends asynchronously; serialization and registry errors are recorded as failures, not thrown. */
  public void send(ImageUploaded event) {
    String id = event.getImageId();
    try {
      producer.send(new ProducerRecord<>(topic, id, event), (metadata, error) -> {
        if (error == null) {
          sent.incrementAndGet();
        } else {
          failures.add(new Failure(id, describe(error)));
        }
        onCompletion.run();
      });
    } catch (RuntimeException e) {
      failures.add(new Failure(id, describe(e)));
      onCompletion.run();
    }
  }

  /** The error, and for a record the broker (or max.request.size) refuses as too large, what to change. */
  private String describe(Throwable error) {
    String message = LookalikeCli.ErrorReporter.describe(error);
    if (!(error instanceof RecordTooLargeException)) return message;
    return message + " (" + topic + " needs max.message.bytes of at least " + maxRecordBytes
        + ", as the service creates it: image.max.bytes + 1 MiB; for a topic created otherwise: kafka-configs.sh --alter"
        + " --entity-type topics --entity-name " + topic + " --add-config max.message.bytes=" + maxRecordBytes + ")";
  }

  /** Records Kafka has acknowledged so far. */
  public int acknowledged() {
    return sent.get();
  }

  /** Waits until every send so far is acknowledged or failed. */
  public Summary finish() {
    producer.flush();
    return new Summary(sent.get(), List.copyOf(failures));
  }

  @Override
  public void close() {
    try {
      producer.close(Duration.ofSeconds(30));
    } finally {
      registry.close();
    }
  }
}
