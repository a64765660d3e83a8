package dev.lookalike.topology;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.DecodeLimits;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.topology.deadletter.ReplayHeader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The production topology in a TopologyTestDriver, with the in-memory registry and real embedders. */
final class DriverHarness implements AutoCloseable {

  final LookalikeConfig config;
  final Topics topics;
  final TopologyTestDriver driver;
  final AtomicInteger embedCalls = new AtomicInteger();
  private final TestInputTopic<String, ImageUploaded> uploads;
  private final TestInputTopic<String, byte[]> rawUploads;
  private final TestInputTopic<byte[], byte[]> rawKeyedUploads;
  private final TestOutputTopic<String, NearDuplicateDetected> duplicates;
  private final TestOutputTopic<String, Recommendations> recommendations;
  private final TestOutputTopic<String, DeadLetter> deadLetters;
  private final TestOutputTopic<String, ImageEmbedded> embedded;
  final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  /** The topology's clock: real time, plus however far {@link #advanceTime} has moved it. */
  private final AtomicLong skewMillis = new AtomicLong();
  private final Clock clock = new Clock() {
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }
    @Override public Instant instant() { return Instant.now().plusMillis(skewMillis.get()); }
  };

  DriverHarness(Path stateDir, Embedder embedder, Map<String, Object> overrides, UrlFetcher fetcher) {
    this(stateDir, List.of(embedder), overrides, fetcher);
  }

  DriverHarness(Path stateDir, List<Embedder> embedders, Map<String, Object> overrides, UrlFetcher fetcher) {
    Map<String, Object> values = new HashMap<>(overrides);
    values.put(LookalikeConfig.STATE_DIR, stateDir.toString());
    config = LookalikeConfig.of(values);
    topics = Topics.create(config, registry);
    List<Embedder> counting = embedders.stream().<Embedder>map(e -> new CountingEmbedder(e, embedCalls)).toList();
    // The limits production gives its decoder (LookalikeService).
    ImageDecoder decoder = new ImageDecoder(new DecodeLimits(config.imageMaxBytes(), config.imageMaxPixels()));
    TopologyServices services = new TopologyServices(registry, counting, decoder, fetcher, clock, meters);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(LookalikeTopology.build(config, topics, services, 1), props);
    uploads = driver.createInputTopic(topics.uploaded().name(), new StringSerializer(), topics.uploaded().valueSerde().serializer());
    rawUploads = driver.createInputTopic(topics.uploaded().name(), new StringSerializer(), new ByteArraySerializer());
    rawKeyedUploads = driver.createInputTopic(topics.uploaded().name(), new ByteArraySerializer(), new ByteArraySerializer());
    duplicates = output(topics.nearDuplicates());
    recommendations = output(topics.recommendations());
    deadLetters = output(topics.deadLetter());
    embedded = output(topics.embedded());
  }

  private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(topic.name(), new StringDeserializer(), topic.valueSerde().deserializer());
  }

  public static ImageUploaded inline(String id, String tenant, byte[] bytes, long uploadedAt) {
    return ImageUploaded.newBuilder()
        .setImageId(id)
        .setTenant(tenant)
        .setSource(ImageSource.newBuilder().setData(ByteBuffer.wrap(bytes)).setContentType("image/png").build())
        .setUploadedAt(Instant.ofEpochMilli(uploadedAt))
        .build();
  }

  void upload(String id, byte[] bytes, long uploadedAt) {
    upload(inline(id, "acme", bytes, uploadedAt));
  }

  void upload(ImageUploaded event) {
    uploads.pipeInput(event.getImageId(), event);
  }

  void uploadRaw(String key, byte[] value) {
    rawUploads.pipeInput(key, value);
  }

  /** Key and value exactly as given, e.g. a key that is not UTF-8; a null value is a tombstone. */
  void uploadRaw(byte[] key, byte[] value) {
    rawKeyedUploads.pipeInput(key, value);
  }

  /** Moves the topology's clock and the driver's wall clock on together (wall-clock punctuators fire). */
  void advanceTime(Duration by) {
    skewMillis.addAndGet(by.toMillis());
    driver.advanceWallClockTime(by);
  }

  void delete(String id) {
    uploads.pipeInput(id, null);
  }

  /** What {@code lookalike replay} sends: the event again, marked with where the original stood (partition 0 here). */
  void replay(ImageUploaded event, long originalOffset) {
    uploads.pipeInput(new TestRecord<>(event.getImageId(), event, new RecordHeaders(new Header[] {ReplayHeader.of(0, originalOffset)})));
  }

  List<NearDuplicateDetected> duplicates() {
    return duplicates.readValuesToList();
  }

  List<KeyValue<String, Recommendations>> recommendations() {
    return recommendations.readKeyValuesToList();
  }

  List<DeadLetter> deadLetters() {
    return deadLetters.readValuesToList();
  }

  List<KeyValue<String, ImageEmbedded>> embedded() {
    return embedded.readKeyValuesToList();
  }

  /** Reads and drops everything produced so far (changelogs and internal topics too), so the driver holds nothing. */
  void drainAll() {
    for (String topic : driver.producedTopicNames()) {
      driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
    }
  }

  @Override
  public void close() {
    driver.close();
  }

  /** Delegates to a real embedder and counts the model calls. */
  private record CountingEmbedder(Embedder delegate, AtomicInteger calls) implements Embedder {
    @Override public String name() { return delegate.name(); }
    @Override public String modelId() { return delegate.modelId(); }
    @Override public int dimensions() { return delegate.dimensions(); }
    @Override public float[] embed(DecodedImage image) {
      calls.incrementAndGet();
      return delegate.embed(image);
    }
  }
}
