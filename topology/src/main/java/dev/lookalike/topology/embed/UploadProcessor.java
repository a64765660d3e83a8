package dev.lookalike.topology.embed;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.internal.ContentRequest;
import dev.lookalike.avro.internal.ImageState;
import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.embedding.image.ImageLoadException;
import dev.lookalike.embedding.image.ImageLoader;
import dev.lookalike.serde.EventDecodingException;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.deadletter.DeadLetters;
import dev.lookalike.topology.deadletter.ErrorCodes;
import dev.lookalike.topology.deadletter.ReplayHeader;
import dev.lookalike.topology.metrics.LogContext;
import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step of the embed stage, on the image's partition: decode and validate the upload event,
 * load the image bytes (inline or fetched), and send them to the content stage keyed by their
 * hash. Marks the image PENDING with a token, so a result that arrives after a newer upload or a
 * delete of the same image is recognised as stale. Anything that fails becomes a dead letter.
 */
public final class UploadProcessor implements Processor<byte[], byte[], String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(UploadProcessor.class);

  private final TopologyServices services;
  private final Deserializer<ImageUploaded> uploads;
  private final int maxImageBytes;
  private final int deadLetterLimit;
  private final int partitions;
  private final Counter misplaced;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, ImageStatus> status;
  private long misplacedSinceWarning;
  private long lastMisplacedWarning = Long.MIN_VALUE;

  /**
   * @param deadLetterLimit largest dead-letter record that can be written ({@link DeadLetters#recordLimit})
   * @param partitions partitions of images.uploaded (and of every image-keyed topic)
   * @param misplaced counts keyed records on another partition than murmur2 of their key
   */
  public UploadProcessor(TopologyServices services, Deserializer<ImageUploaded> uploads, int maxImageBytes, int deadLetterLimit,
                         int partitions, Counter misplaced) {
    this.services = services;
    this.uploads = uploads;
    this.maxImageBytes = maxImageBytes;
    this.deadLetterLimit = deadLetterLimit;
    this.partitions = partitions;
    this.misplaced = misplaced;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.status = context.getStateStore(Names.IMAGE_STATUS_STORE);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    LogContext.imageId(key);
    try {
      process(record, source, key);
    } finally {
      LogContext.clear();
    }
  }

  private void process(Record<byte[], byte[]> record, RecordMetadata source, String key) {
    checkPartition(record.key(), key, source);
    if (record.value() == null) {
      delete(record, source, key);
      return;
    }
    if (supersededReplay(record, source, key)) return;
    ImageUploaded upload;
    try {
      upload = uploads.deserialize(source.topic(), record.value());
    } catch (EventDecodingException e) {
      deadLetter(record, source, key, e.code().name(), e.getMessage(), e.code().retriable());
      return;
    } catch (RuntimeException e) {
      deadLetter(record, source, key, ErrorCodes.MALFORMED_EVENT, "cannot decode ImageUploaded: " + e.getMessage(), false);
      return;
    }
    Optional<UploadValidator.Problem> problem = UploadValidator.validate(key, upload);
    if (problem.isPresent()) {
      if (UploadValidator.identifiesItsImage(key, upload) && !heldByAnotherTenant(upload)) {
        failed(record, source, upload, problem.get().code(), problem.get().message(), false);
      } else {
        deadLetter(record, source, key, problem.get().code(), problem.get().message(), false);
      }
      return;
    }
    LogContext.tenant(upload.getTenant());
    // Without a key the producer's partitioner picked any partition; the id decides where the status is looked up.
    if (key == null) checkPartition(upload.getImageId().getBytes(StandardCharsets.UTF_8), upload.getImageId(), source);
    if (heldByAnotherTenant(upload)) {
      // Every store and topic is keyed by the id alone: taking it would replace, and expose, the other tenant's image.
      deadLetter(record, source, key, ErrorCodes.IMAGE_ID_TAKEN,
          "image id " + upload.getImageId() + " is held by another tenant's image; ids are unique across tenants", false);
      return;
    }
    load(record, source, upload);
  }

  /**
   * An image's status lives on the partition its events arrive on, and every lookup of it (GET /v1/images/{id},
   * IMAGE_ID_TAKEN, which of an upload and a delete came last) goes to the partition Kafka's default partitioner
   * gives the id: murmur2 of the key, as Java clients partition. A producer that partitions otherwise (librdkafka
   * and so kcat, confluent-kafka-python and -go default to CRC32) still gets its images embedded and matched, but
   * those guarantees fail without a word, as they do for an upload without a key (any partition). Counted, and said
   * in the log at most once a minute.
   */
  private void checkPartition(byte[] rawKey, String key, RecordMetadata source) {
    if (rawKey == null || partitions <= 1) return;
    int expected = Utils.toPositive(Utils.murmur2(rawKey)) % partitions;
    if (expected == source.partition()) return;
    misplaced.increment();
    misplacedSinceWarning++;
    long now = services.clock().millis();
    if (lastMisplacedWarning != Long.MIN_VALUE && now - lastMisplacedWarning < 60_000) return;
    String shownKey = key.length() <= 200 ? key : key.substring(0, 200) + "...";
    log.warn("{} record{} on the wrong partition, e.g. image {} at {}-{}@{} where Java's partitioner (murmur2 of the key) puts it on "
            + "partition {}: its producer must partition by murmur2 (librdkafka clients and kcat: partitioner=murmur2_random), "
            + "else the image's PENDING/FAILED status is not found by GET /v1/images/{id}, IMAGE_ID_TAKEN is not enforced, and "
            + "uploads and deletes of one id from different producers may be applied out of order",
        misplacedSinceWarning, misplacedSinceWarning == 1 ? "" : "s", shownKey, source.topic(), source.partition(), source.offset(),
        expected);
    misplacedSinceWarning = 0;
    lastMisplacedWarning = now;
  }

  /**
   * A dead letter sent back by {@code lookalike replay} whose image has had a later event in this
   * partition (the status holds the offset of the last one): processing it would bring back an
   * image its owner deleted, or replace a newer upload with the older one. Nothing is lost: the
   * later event stands, and the dead letter stays in its topic.
   */
  private boolean supersededReplay(Record<byte[], byte[]> record, RecordMetadata source, String key) {
    OptionalLong original = ReplayHeader.originalOffset(record.headers(), source.partition());
    if (original.isEmpty() || key == null) return false;
    ImageStatus current = status.get(key);
    if (current == null || current.getToken() <= original.getAsLong()) return false;
    log.info("replay of {} (offset {}) dropped: its image had a later event (offset {}) since", key, original.getAsLong(),
        current.getToken());
    return true;
  }

  private boolean heldByAnotherTenant(ImageUploaded upload) {
    ImageStatus current = status.get(upload.getImageId());
    return current != null && current.getState() != ImageState.DELETED && current.getTenant() != null
        && !current.getTenant().equals(upload.getTenant());
  }

  private void load(Record<byte[], byte[]> record, RecordMetadata source, ImageUploaded upload) {
    String imageId = upload.getImageId();
    byte[] fetched = null;
    byte[] bytes;
    try {
      if (upload.getSource().getData() != null) {
        bytes = toArray(upload.getSource().getData());
      } else {
        fetched = services.fetcher().fetch(upload.getSource().getUrl());
        bytes = fetched;
      }
    } catch (ImageLoadException e) {
      failed(record, source, upload, e.code().name(), e.getMessage(), e.retriable());
      return;
    }
    if (bytes.length > maxImageBytes) {
      failed(record, source, upload, ErrorCodes.IMAGE_TOO_LARGE, "image has " + bytes.length + " bytes, the limit is " + maxImageBytes, false);
      return;
    }
    String hash = ImageLoader.sha256Hex(bytes);
    status.put(imageId, new ImageStatus(imageId, upload.getTenant(), source.offset(), ImageState.PENDING, null, null, services.clock().millis()));
    ContentRequest request = ContentRequest.newBuilder()
        .setImageId(imageId)
        .setToken(source.offset())
        .setContentHash(hash)
        .setFetched(fetched == null ? null : ByteBuffer.wrap(fetched))
        .setOriginalValue(ByteBuffer.wrap(record.value()))
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .build();
    context.forward(record.withKey(hash).<SpecificRecord>withValue(request), Names.CONTENT_REQUESTS_SINK);
  }

  /**
   * An upload that names its image and tenant but cannot be processed (its image could not be
   * loaded, or another field is invalid): marked FAILED with the reason, as a failed decode or
   * embedding is, so its owner sees why on {@code GET /v1/images/{id}}; then a dead letter.
   */
  private void failed(Record<byte[], byte[]> record, RecordMetadata source, ImageUploaded upload, String code, String message,
                      boolean retriable) {
    status.put(upload.getImageId(), new ImageStatus(upload.getImageId(), upload.getTenant(), source.offset(), ImageState.FAILED, code,
        message, services.clock().millis()));
    deadLetter(record, source, upload.getImageId(), code, message, retriable);
  }

  private void delete(Record<byte[], byte[]> record, RecordMetadata source, String key) {
    if (key == null) {
      deadLetter(record, source, null, ErrorCodes.MISSING_KEY, "a tombstone needs the image id as its key", false);
      return;
    }
    status.put(key, new ImageStatus(key, null, source.offset(), ImageState.DELETED, null, null, services.clock().millis()));
    context.forward(record.withKey(key).<SpecificRecord>withValue(null), Names.EMBEDDED_SINK);
  }

  private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String key, String code, String message,
                          boolean retriable) {
    // The key is the sender's: a 100 KB one should not become a 100 KB log line.
    String shownKey = key == null || key.length() <= 200 ? key : key.substring(0, 200) + "... (" + key.length() + " chars)";
    log.info("dead letter {} for key {} at {}-{}@{}: {}", code, shownKey, source.topic(), source.partition(), source.offset(), message);
    DeadLetter letter = DeadLetters.of(source, key, code, message, retriable, record.value(), deadLetterLimit, services.clock());
    context.forward(record.withKey(key).<SpecificRecord>withValue(letter), Names.DEAD_LETTER_SINK);
  }

  static byte[] toArray(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
