package dev.lookalike.topology.match;

import dev.lookalike.avro.internal.MatchMessage;
import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.avro.internal.MatchType;
import dev.lookalike.avro.internal.Neighbor;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.KnnRequest;
import dev.lookalike.topology.store.PairOrder;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.TopKCollector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs on every partition for every match message. For a QUERY it scans this partition's
 * vectors once and (1) answers the asking image with its local top-k and its duplicates that are
 * earlier than it, (2) offers the asking image to the lists of local images it belongs in, and
 * (3) reports pairs in which a local image is the later one, since those pairs are decided at
 * the later image's home. A DELETE purges the image from local lists and refreshes them.
 */
public final class MatchProcessor implements Processor<String, MatchMessage, String, SpecificRecord> {

  private final List<VectorConfig> vectorConfigs;
  private final Clock clock;
  private final Map<String, NeighborBook> books = new LinkedHashMap<>();
  private ProcessorContext<String, SpecificRecord> context;

  public MatchProcessor(List<VectorConfig> vectorConfigs, Clock clock) {
    this.vectorConfigs = vectorConfigs;
    this.clock = clock;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    for (VectorConfig v : vectorConfigs) books.put(v.name(), new NeighborBook(v, context, clock));
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
    VectorConfig v = book.vector();
    // The callback runs for every image the search passes over: settings are read once, here.
    int k = v.recommendK();
    float minScore = v.recommendMinScore();
    boolean duplicates = v.duplicatesEnabled();
    float threshold = v.duplicateThreshold();
    float[] query = toArray(asking.getVector());
    TopKCollector top = new TopKCollector(k, minScore);
    List<ScoredImage> earlierDuplicates = new ArrayList<>();
    Map<String, ScoredImage> localUpdates = new LinkedHashMap<>();
    float floorScore = duplicates ? Math.min(minScore, threshold) : minScore;
    SearchFilter filter = SearchFilter.tenant(asking.getTenant()).excluding(asking.getImageId()).withMinScore(floorScore);
    // An approximate index offers the asking image's nearest images; every image at or above the
    // duplicate threshold is offered whatever the index, so no pair is lost to approximation.
    KnnRequest request = new KnnRequest(k, duplicates ? threshold : Float.POSITIVE_INFINITY);
    long askingAt = asking.getUploadedAt();
    String askingId = asking.getImageId();
    book.vectors().search(query, filter, request, (image, score) -> {
      top.collect(image, score);
      if (!full) return;
      boolean duplicate = duplicates && score >= threshold;
      boolean entersList = k > 0 && score >= minScore && !(score < image.admissionFloor()); // NaN: not known, look
      if (!duplicate && !entersList) return;
      boolean askingIsLater = PairOrder.compare(askingAt, askingId, image.uploadedAt(), image.imageId()) > 0;
      if (duplicate && askingIsLater) earlierDuplicates.add(new ScoredImage(image, score));
      if ((duplicate && !askingIsLater) || entersList) localUpdates.put(image.imageId(), new ScoredImage(image, score));
    });
    if (full) updateLocalImages(book, asking, localUpdates.values(), record);
    List<Neighbor> hits = new ArrayList<>();
    for (ScoredImage hit : top.results()) hits.add(neighbor(hit));
    for (ScoredImage hit : earlierDuplicates) {
      if (!NeighborLists.contains(hits, hit.imageId())) hits.add(neighbor(hit));
    }
    MatchPartial partial = MatchPartial.newBuilder()
        .setImageId(asking.getImageId())
        .setVectorName(v.name())
        .setFromPartition(context.recordMetadata().orElseThrow().partition())
        .setType(asking.getType())
        .setVersion(asking.getVersion())
        .setHits(hits)
        .build();
    context.forward(record.withKey(asking.getImageId()).<SpecificRecord>withValue(partial), Names.PARTIALS_SINK);
  }

  /** The asking image as a neighbour of local images: list offers and later-image pairs. */
  private void updateLocalImages(NeighborBook book, MatchMessage asking, Iterable<ScoredImage> candidates, Record<?, ?> cause) {
    if (book.isDeleted(asking.getImageId(), asking.getVersion())) return;
    for (ScoredImage candidate : candidates) {
      NeighborState state = book.get(candidate.imageId());
      if (state == null) continue;
      Neighbor askingAsNeighbor = new Neighbor(asking.getImageId(), candidate.score(), asking.getUploadedAt(), asking.getContentHash(), asking.getVersion());
      boolean changed = book.offer(state, List.of(askingAsNeighbor));
      boolean localIsLater = PairOrder.compare(state.getUploadedAt(), state.getImageId(), asking.getUploadedAt(), asking.getImageId()) > 0;
      if (localIsLater && book.reportDuplicate(state, askingAsNeighbor, cause)) changed = true;
      if (changed) {
        book.publishIfChanged(state, cause);
        book.put(state);
      } else {
        book.vectors().setAdmissionFloor(state.getImageId(), book.floor(state));
      }
    }
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

  static Neighbor neighbor(ScoredImage hit) {
    IndexedImage image = hit.image();
    return new Neighbor(image.imageId(), hit.score(), image.uploadedAt(), image.contentHash(), image.version());
  }

  static float[] toArray(List<Float> vector) {
    float[] out = new float[vector.size()];
    for (int i = 0; i < out.length; i++) out[i] = vector.get(i);
    return out;
  }
}
