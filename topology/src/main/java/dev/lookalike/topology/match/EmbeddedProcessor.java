package dev.lookalike.topology.match;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.NamedVector;
import dev.lookalike.avro.internal.MatchMessage;
import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.avro.internal.MatchType;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.serde.EventDecodingException;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.deadletter.DeadLetters;
import dev.lookalike.topology.deadletter.ErrorCodes;
import dev.lookalike.topology.metrics.LogContext;
import dev.lookalike.topology.metrics.TopologyMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step of the match stage, on the image's home partition: stores the image's vectors, then
 * searches this partition at once and asks every other partition for neighbours (QUERY,
 * multicast). Storing before asking is what makes pairing independent of timing: of two images
 * processed concurrently, at least one finds the other already stored. With one partition an
 * upload is matched and published in a single transaction, with no trip through the match topics.
 * A tombstone deletes the image here and, by a DELETE multicast, everywhere.
 */
public final class EmbeddedProcessor implements Processor<String, byte[], String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedProcessor.class);

  private final List<VectorConfig> vectorConfigs;
  private final Deserializer<ImageEmbedded> embeddedDeserializer;
  private final int partitions;
  private final Clock clock;
  private final int deadLetterLimit;
  private final TopologyMetrics metrics;
  private final Map<String, NeighborBook> books = new LinkedHashMap<>();
  private final Map<String, MatchTiming> timings = new LinkedHashMap<>();
  private final Map<String, KeyValueStore<String, VectorEntry>> vectorStores = new LinkedHashMap<>();
  private ProcessorContext<String, SpecificRecord> context;

  public EmbeddedProcessor(List<VectorConfig> vectorConfigs, Deserializer<ImageEmbedded> embeddedDeserializer, int partitions, Clock clock,
                           int deadLetterLimit, TopologyMetrics metrics) {
    this.vectorConfigs = vectorConfigs;
    this.embeddedDeserializer = embeddedDeserializer;
    this.partitions = partitions;
    this.clock = clock;
    this.deadLetterLimit = deadLetterLimit;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    for (VectorConfig v : vectorConfigs) {
      NeighborBook book = new NeighborBook(v, context, clock);
      books.put(v.name(), book);
      timings.put(v.name(), new MatchTiming(v.name(), metrics));
      vectorStores.put(v.name(), context.getStateStore(Names.vectorStore(v.name())));
      // Once per task: this processor shares the task, and so the stores, with the other two of the match stage.
      warmAdmissionFloors(v, book);
    }
  }

  private static void warmAdmissionFloors(VectorConfig v, NeighborBook book) {
    if (v.recommendK() == 0) return; // no lists, no floors
    long started = System.nanoTime();
    int floors = book.warmAdmissionFloors();
    log.info("vector {}: {} admission floors set from the neighbour lists in {} ms", v.name(), floors, (System.nanoTime() - started) / 1_000_000);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    LogContext.imageId(record.key());
    try {
      process(record, context.recordMetadata().orElseThrow());
    } finally {
      LogContext.clear();
    }
  }

  private void process(Record<String, byte[]> record, RecordMetadata source) {
    if (record.key() == null) {
      deadLetter(record, source, ErrorCodes.MISSING_KEY, "images.embedded records need the image id as key");
      return;
    }
    if (record.value() == null) {
      for (NeighborBook book : books.values()) delete(book, record.key(), record);
      return;
    }
    ImageEmbedded image;
    try {
      image = embeddedDeserializer.deserialize(source.topic(), record.value());
    } catch (EventDecodingException e) {
      deadLetter(record, source, e.code().name(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      deadLetter(record, source, ErrorCodes.MALFORMED_EVENT, "cannot decode ImageEmbedded: " + e.getMessage());
      return;
    }
    if (!record.key().equals(image.getImageId())) {
      deadLetter(record, source, ErrorCodes.KEY_MISMATCH, "key differs from imageId " + image.getImageId());
      return;
    }
    LogContext.tenant(image.getTenant());
    for (NeighborBook book : books.values()) {
      NamedVector nv = image.getVectors().stream().filter(v -> v.getName().equals(book.vector().name())).findFirst().orElse(null);
      if (nv == null) continue;
      String problem = checkVector(book, nv);
      if (problem != null) {
        deadLetter(record, source, ErrorCodes.INVALID_EVENT, problem);
        return;
      }
    }
    for (NeighborBook book : books.values()) {
      image.getVectors().stream().filter(v -> v.getName().equals(book.vector().name())).findFirst()
          .ifPresent(nv -> store(book, image, nv, source.offset(), record));
    }
  }

  private static String checkVector(NeighborBook book, NamedVector nv) {
    if (nv.getVector().size() != nv.getDims()) return "vector " + nv.getName() + " has " + nv.getVector().size() + " values but dims " + nv.getDims();
    for (Float x : nv.getVector()) {
      if (x == null || !Float.isFinite(x)) return "vector " + nv.getName() + " has a non-finite value";
    }
    return null;
  }

  private void store(NeighborBook book, ImageEmbedded image, NamedVector nv, long version, Record<String, byte[]> record) {
    MatchTiming timing = timings.get(book.vector().name());
    timing.start();
    try {
      storeAndMatch(book, image, nv, version, record, timing);
    } finally {
      timing.finish(image.getImageId());
    }
  }

  private void storeAndMatch(NeighborBook book, ImageEmbedded image, NamedVector nv, long version, Record<String, byte[]> record,
                             MatchTiming timing) {
    KeyValueStore<String, VectorEntry> vectors = vectorStores.get(book.vector().name());
    VectorEntry existing = vectors.get(image.getImageId());
    if (existing != null) {
      boolean sameImage = existing.getUploadedAt() == image.getUploadedAt().toEpochMilli()
          && existing.getContentHash().equals(image.getContentHash()) && existing.getVector().equals(nv.getVector());
      if (sameImage) return; // a replayed event: pairs and lists are already there
      delete(book, image.getImageId(), record);
    }
    timing.lap(MatchTiming.Phase.CHECK);
    VectorEntry entry = VectorEntry.newBuilder()
        .setImageId(image.getImageId())
        .setTenant(image.getTenant())
        .setUploadedAt(image.getUploadedAt().toEpochMilli())
        .setVersion(version)
        .setContentHash(image.getContentHash())
        .setWidth(image.getWidth())
        .setHeight(image.getHeight())
        .setFormat(image.getFormat())
        .setModel(nv.getModel())
        .setTags(image.getTags())
        .setAttributes(image.getAttributes())
        .setVector(nv.getVector())
        .build();
    vectors.put(image.getImageId(), entry);
    timing.lap(MatchTiming.Phase.STORE);
    List<Integer> pending = new ArrayList<>(IntStream.range(0, partitions).boxed().toList());
    NeighborState state = new NeighborState(image.getImageId(), image.getTenant(), entry.getUploadedAt(), image.getContentHash(),
        version, pending, List.of(), List.of(), List.of());
    MatchMessage query = message(MatchType.QUERY, book, entry);
    // Other partitions get the QUERY through the match topic (MulticastPartitioner skips this one);
    // this partition answers now, in the same transaction as the store.
    if (partitions > 1) context.forward(record.<SpecificRecord>withValue(query), Names.MATCH_SINK);
    MatchPartial local = LocalMatch.search(book, query, context.recordMetadata().orElseThrow().partition(), true, record, timing);
    book.applyPartial(state, local, record); // stores the state
    timing.lap(MatchTiming.Phase.OWN);
  }

  private void delete(NeighborBook book, String imageId, Record<String, byte[]> record) {
    KeyValueStore<String, VectorEntry> vectors = vectorStores.get(book.vector().name());
    VectorEntry existing = vectors.get(imageId);
    if (existing == null) return;
    vectors.delete(imageId);
    book.remove(imageId);
    book.markDeleted(imageId, existing.getVersion());
    existing.setVector(List.of());
    context.forward(record.<SpecificRecord>withValue(message(MatchType.DELETE, book, existing)), Names.MATCH_SINK);
    book.publishDeleted(imageId, record);
  }

  static MatchMessage message(MatchType type, NeighborBook book, VectorEntry entry) {
    return MatchMessage.newBuilder()
        .setType(type)
        .setVectorName(book.vector().name())
        .setImageId(entry.getImageId())
        .setTenant(entry.getTenant())
        .setUploadedAt(entry.getUploadedAt())
        .setVersion(entry.getVersion())
        .setContentHash(entry.getContentHash())
        .setVector(type == MatchType.DELETE ? null : entry.getVector())
        .build();
  }

  private void deadLetter(Record<String, byte[]> record, RecordMetadata source, String code, String message) {
    DeadLetter letter = DeadLetters.of(source, record.key(), code, message, false, record.value(), deadLetterLimit, clock);
    context.forward(record.<SpecificRecord>withValue(letter), Names.DEAD_LETTER_SINK);
  }
}
