package dev.lookalike.topology.embed;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.metrics.TopologyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * kcat (librdkafka: CRC32 by default) put an upload on another partition than Java's murmur2 would: the image was
 * embedded, but GET /v1/images/{id} answered 404 instead of its FAILED status, and another tenant's upload of the id
 * replaced it instead of getting IMAGE_ID_TAKEN, all without a word. The service now counts such records and warns.
 */
class UploadPartitionCheckTest {

  private static final int PARTITIONS = 4;
  private final AtomicLong now = new AtomicLong(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(UploadProcessor.class);
  private MockProcessorContext<String, org.apache.avro.specific.SpecificRecord> context;
  private UploadProcessor processor;
  private Counter misplaced;
  private dev.lookalike.topology.Topics topics;

  @BeforeEach
  void start() {
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
    };
    TopologyServices services = new TopologyServices(new InMemorySchemaRegistryClient(), List.of(new PerceptualEmbedder()),
        new ImageDecoder(), url -> { throw new AssertionError("no fetches"); }, clock, meters);
    context = new MockProcessorContext<>();
    KeyValueStore<String, ImageStatus> status = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.IMAGE_STATUS_STORE),
        Serdes.String(), AvroBinarySerde.of(ImageStatus.class)).withLoggingDisabled().build();
    status.init(context.getStateStoreContext(), status);
    context.addStateStore(status);
    misplaced = new TopologyMetrics(meters).misplacedUploads();
    topics = dev.lookalike.topology.Topics.create(dev.lookalike.config.LookalikeConfig.of(java.util.Map.of()), services.registry());
    processor = new UploadProcessor(services, topics.uploaded().valueSerde().deserializer(), 1 << 20, 1 << 20, PARTITIONS, misplaced);
    processor.init(context);
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void stop() {
    logger.detachAppender(lines);
  }

  @Test
  void aKeyOnAnotherPartitionThanMurmur2IsCountedAndWarnedAboutAtMostOnceAMinute() {
    String id = idWhoseCrc32PartitionIsNotItsMurmur2One();
    int murmur = murmur2Partition(id);
    int crc = crc32Partition(id);

    deleteAt(id, murmur, 1); // where Java's client puts it
    assertThat(misplaced.count()).isZero();
    assertThat(warnings()).isEmpty();

    deleteAt(id, crc, 2); // where kcat puts it
    deleteAt(id, crc, 3);
    assertThat(misplaced.count()).isEqualTo(2);
    assertThat(warnings()).hasSize(1).first().asString()
        .contains("image " + id + " at images.uploaded-" + crc + "@2")
        .contains("partition " + murmur)
        .contains("partitioner=murmur2_random")
        .contains("GET /v1/images/{id},");

    now.addAndGet(60_000);
    deleteAt(id, crc, 4);
    assertThat(misplaced.count()).isEqualTo(3);
    assertThat(warnings()).hasSize(2).last().asString().startsWith("2 records on the wrong partition");
  }

  /** An upload without a key lands wherever its producer's partitioner puts it: checked by its imageId. */
  @Test
  void anUploadWithoutAKeyIsCheckedByItsImageId() {
    String id = idWhoseCrc32PartitionIsNotItsMurmur2One();
    dev.lookalike.avro.ImageUploaded upload = dev.lookalike.avro.ImageUploaded.newBuilder().setImageId(id).setTenant("default")
        .setSource(dev.lookalike.avro.ImageSource.newBuilder().setData(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).build())
        .setUploadedAt(Instant.ofEpochMilli(now.get())).build();
    byte[] value = topics.uploaded().valueSerde().serializer().serialize("images.uploaded", upload);

    context.setRecordMetadata("images.uploaded", murmur2Partition(id), 1);
    processor.process(new Record<>(null, value, 0L));
    assertThat(misplaced.count()).isZero();

    context.setRecordMetadata("images.uploaded", crc32Partition(id), 2);
    processor.process(new Record<>(null, value, 0L));
    assertThat(misplaced.count()).isEqualTo(1);
    assertThat(warnings()).hasSize(1).first().asString().contains("image " + id + " at images.uploaded-" + crc32Partition(id) + "@2");
  }

  @Test
  void theMeterIsServedAsACounter() {
    assertThat(meters.find("lookalike.uploads.misplaced").counter()).isNotNull();
  }

  private void deleteAt(String id, int partition, long offset) {
    context.setRecordMetadata("images.uploaded", partition, offset);
    processor.process(new Record<>(id.getBytes(StandardCharsets.UTF_8), null, 0L));
  }

  private List<String> warnings() {
    return lines.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static String idWhoseCrc32PartitionIsNotItsMurmur2One() {
    for (int i = 0; ; i++) {
      String id = "image-" + i;
      if (murmur2Partition(id) != crc32Partition(id)) return id;
    }
  }

  private static int murmur2Partition(String id) {
    return Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  /** librdkafka's default (consistent_random) for a keyed record: CRC32 of the key. */
  private static int crc32Partition(String id) {
    CRC32 crc = new CRC32();
    crc.update(id.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }
}
