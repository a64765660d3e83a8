package dev.lookalike.topology.match;

import dev.lookalike.avro.internal.MatchMessage;
import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.avro.internal.MatchType;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.metrics.TopologyMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on every partition for every match message (a QUERY skips the asking image's home, which
 * the embedded processor searched inline; {@link LocalMatch}). For a QUERY it scans this partition's
 * vectors once and (1) answers the asking image with its local top-k and its duplicates that are
 * earlier than it, (2) offers the asking image to the lists of local images it belongs in, and
 * (3) reports pairs in which a local image is the later one, since those pairs are decided at
 * the later image's home. A DELETE purges the image from local lists and refreshes them.
 */
public final class MatchProcessor implements Processor<String, MatchMessage, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(MatchProcessor.class);

  /** A purge step runs this often (or twice per retention when that is shorter)... */
  public static final Duration PURGE_EVERY = Duration.ofMinutes(1);
  /** ...and reads at most this many deletion marks: a few milliseconds of the stream thread. */
  static final int PURGE_STEP = 10_000;

  private final List<VectorConfig> vectorConfigs;
  private final Clock clock;
  private final long deletedRetentionMs;
  private final TopologyMetrics metrics;
  private final Map<String, NeighborBook> books = new LinkedHashMap<>();
  private final Map<String, MatchTiming> timings = new LinkedHashMap<>();
  private ProcessorContext<String, SpecificRecord> context;

  public MatchProcessor(List<VectorConfig> vectorConfigs, Clock clock, long deletedRetentionMs, TopologyMetrics metrics) {
    this.vectorConfigs = vectorConfigs;
    this.clock = clock;
    this.deletedRetentionMs = deletedRetentionMs;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    for (VectorConfig v : vectorConfigs) {
      books.put(v.name(), new NeighborBook(v, context, clock));
      timings.put(v.name(), new MatchTiming(v.name(), metrics));
    }
    if (deletedRetentionMs < 0) return; // kept forever
    // Wall-clock time: marks age in real time, whether or not events arrive.
    Duration every = Duration.ofMillis(Math.min(PURGE_EVERY.toMillis(), deletedRetentionMs / 2));
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, now -> forgetOldDeletions());
  }

  /** Past the retention no message for the deleted image is still in flight, so its mark can go. */
  private void forgetOldDeletions() {
    long cutoff = clock.millis() - deletedRetentionMs;
    for (NeighborBook book : books.values()) {
      int forgotten = book.deletionMarks().forgetStep(cutoff, PURGE_STEP);
      if (forgotten > 0) log.debug("{}: forgot {} deletions older than {} ms", book.vector().name(), forgotten, deletedRetentionMs);
    }
  }

  @Override
  public void process(Record<String, MatchMessage> record) {
    MatchMessage message = record.value();
    NeighborBook book = books.get(message.getVectorName());
    if (book == null) return; // a vector that is no longer configured
    switch (message.getType()) {
      case QUERY -> query(book, message, record, true);
      case REFRESH -> query(book, message, record, false);
      case DELETE -> forget(book, message, record);
    }
  }

  private void query(NeighborBook book, MatchMessage asking, Record<String, MatchMessage> record, boolean full) {
    int partition = context.recordMetadata().orElseThrow().partition();
    MatchTiming timing = timings.get(book.vector().name());
    timing.start();
    MatchPartial partial = LocalMatch.search(book, asking, partition, full, record, timing);
    context.forward(record.withKey(asking.getImageId()).<SpecificRecord>withValue(partial), Names.PARTIALS_SINK);
    timing.lap(MatchTiming.Phase.OWN);
    timing.finish(asking.getImageId());
  }

  private void forget(NeighborBook book, MatchMessage deleted, Record<String, MatchMessage> record) {
    book.markDeleted(deleted.getImageId(), deleted.getVersion());
    List<NeighborState> affected = new ArrayList<>();
    try (KeyValueIterator<String, NeighborState> all = book.states().all()) {
      while (all.hasNext()) {
        KeyValue<String, NeighborState> kv = all.next();
        if (NeighborLists.contains(kv.value.getNeighbors(), deleted.getImageId())) affected.add(kv.value);
      }
    }
    KeyValueStore<String, VectorEntry> vectors = context.getStateStore(Names.vectorStore(book.vector().name()));
    for (NeighborState state : affected) {
      state.setNeighbors(NeighborLists.without(state.getNeighbors(), deleted.getImageId()));
      book.publishIfChanged(state, record);
      book.put(state);
      VectorEntry entry = vectors.get(state.getImageId());
      if (entry != null) {
        // The list lost a member: ask every partition again so it is refilled to k.
        MatchMessage refresh = EmbeddedProcessor.message(MatchType.REFRESH, book, entry);
        context.forward(record.withKey(entry.getImageId()).<SpecificRecord>withValue(refresh), Names.MATCH_SINK);
      }
    }
  }
}
