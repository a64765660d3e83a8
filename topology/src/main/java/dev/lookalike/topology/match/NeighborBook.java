package dev.lookalike.topology.match;

import dev.lookalike.avro.DuplicateKind;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.avro.RecommendedItem;
import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.avro.internal.MatchType;
import dev.lookalike.avro.internal.Neighbor;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.store.PairOrder;
import dev.lookalike.topology.store.Scores;
import dev.lookalike.topology.store.VectorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's view of the neighbour state of one named vector: reads and writes each image's
 * list, and publishes duplicate pairs (once per pair) and recommendation changes. Shared by the
 * processors of the match stage so that the rules live in one place.
 */
final class NeighborBook {

  private final VectorConfig vector;
  private final ProcessorContext<String, SpecificRecord> context;
  private final KeyValueStore<String, NeighborState> states;
  private final VectorStore vectors;
  private final DeletionMarks deleted;
  private final Clock clock;

  NeighborBook(VectorConfig vector, ProcessorContext<String, SpecificRecord> context, Clock clock) {
    this.vector = vector;
    this.context = context;
    this.states = context.getStateStore(Names.neighborStore(vector.name()));
    this.vectors = VectorStore.unwrap(context.getStateStore(Names.vectorStore(vector.name())));
    this.vectors.finishRestore(); // processors start after the restore: a loaded snapshot is now settled
    this.deleted = new DeletionMarks(context.getStateStore(Names.deletedStore(vector.name())), clock);
    this.clock = clock;
  }

  /** True when this version of the image (or a newer one) was deleted on this partition. */
  boolean isDeleted(String imageId, long version) {
    return deleted.isDeleted(imageId, version);
  }

  void markDeleted(String imageId, long version) {
    deleted.mark(imageId, version);
  }

  DeletionMarks deletionMarks() {
    return deleted;
  }

  VectorConfig vector() {
    return vector;
  }

  VectorStore vectors() {
    return vectors;
  }

  KeyValueStore<String, NeighborState> states() {
    return states;
  }

  NeighborState get(String imageId) {
    return states.get(imageId);
  }

  void put(NeighborState state) {
    states.put(state.getImageId(), state);
    vectors.setAdmissionFloor(state.getImageId(), floor(state));
  }

  void remove(String imageId) {
    states.delete(imageId);
    vectors.setAdmissionFloor(imageId, null);
  }

  /**
   * Sets the admission floor of every image that has a neighbour list; returns how many. A
   * restored vector store knows no floor (they are a cache of the lists, not saved), and while a
   * floor is unknown every search that reaches its image reads the image's list: up to the
   * duplicate beam (256) reads per upload. At 1M stored, the first half minute after a restart ran
   * at under half speed and queued seconds of latency. One pass over the lists before the first
   * record costs a sequential read of the store instead.
   */
  int warmAdmissionFloors() {
    int floors = 0;
    try (KeyValueIterator<String, NeighborState> all = states.all()) {
      while (all.hasNext()) {
        NeighborState state = all.next().value;
        vectors.setAdmissionFloor(state.getImageId(), floor(state));
        floors++;
      }
    }
    return floors;
  }

  /** The score a new neighbour must beat; cached in the vector store to skip most state reads. */
  float floor(NeighborState state) {
    return NeighborLists.admissionFloor(state.getNeighbors(), vector.recommendK(), vector.recommendMinScore());
  }

  /** Merges hits into the image's list; true when the list changed. */
  boolean offer(NeighborState state, List<Neighbor> hits) {
    if (vector.recommendK() == 0) return false;
    List<Neighbor> live = hits.stream().filter(h -> !isDeleted(h.getImageId(), h.getVersion())).toList();
    List<Neighbor> merged = NeighborLists.merge(state.getNeighbors(), live, vector.recommendK(), vector.recommendMinScore());
    if (merged.equals(state.getNeighbors())) return false;
    state.setNeighbors(merged);
    return true;
  }

  /**
   * Merges one partition's answer into the asking image's list, reports the pairs in which it is
   * the later image, and publishes its recommendations once every partition has answered.
   */
  void applyPartial(MatchPartial partial, Record<?, ?> cause) {
    NeighborState state = get(partial.getImageId());
    if (state == null || state.getVersion() != partial.getVersion()) return; // deleted or replaced meanwhile
    applyPartial(state, partial, cause);
  }

  /** As above, to a state in hand (the embedded processor's new one: stored once, not twice). */
  void applyPartial(NeighborState state, MatchPartial partial, Record<?, ?> cause) {
    offer(state, partial.getHits());
    for (Neighbor hit : partial.getHits()) {
      boolean askingIsLater = PairOrder.compare(state.getUploadedAt(), state.getImageId(), hit.getUploadedAt(), hit.getImageId()) > 0;
      if (askingIsLater) reportDuplicate(state, hit, cause);
    }
    boolean completes = false;
    if (partial.getType() == MatchType.QUERY && state.getPendingPartitions().contains(partial.getFromPartition())) {
      List<Integer> pending = new ArrayList<>(state.getPendingPartitions());
      pending.remove(Integer.valueOf(partial.getFromPartition()));
      state.setPendingPartitions(pending);
      completes = pending.isEmpty();
    }
    if (completes) publish(state, cause);
    else publishIfChanged(state, cause);
    put(state);
  }

  static boolean ready(NeighborState state) {
    return state.getPendingPartitions().isEmpty();
  }

  /** Publishes a duplicate pair unless already published; {@code later} must be the later image. */
  boolean reportDuplicate(NeighborState later, Neighbor earlier, Record<?, ?> cause) {
    if (!vector.duplicatesEnabled() || earlier.getScore() < vector.duplicateThreshold()) return false;
    if (isDeleted(earlier.getImageId(), earlier.getVersion())) return false;
    String pairKey = earlier.getImageId() + "@" + earlier.getVersion();
    if (later.getEmittedDuplicates().contains(pairKey)) return false;
    if (later.getEmittedDuplicates().size() >= vector.maxDuplicatesPerImage()) return false;
    List<String> emitted = new ArrayList<>(later.getEmittedDuplicates());
    emitted.add(pairKey);
    later.setEmittedDuplicates(emitted);
    boolean exact = later.getContentHash().equals(earlier.getContentHash());
    NearDuplicateDetected event = NearDuplicateDetected.newBuilder()
        .setImageId(later.getImageId())
        .setTenant(later.getTenant())
        .setDuplicateOf(earlier.getImageId())
        .setSimilarity(exact ? 1.0f : Scores.clamp(earlier.getScore()))
        .setKind(exact ? DuplicateKind.EXACT : DuplicateKind.NEAR)
        .setVectorName(vector.name())
        .setDetectedAt(Instant.ofEpochMilli(clock.millis()))
        .build();
    context.forward(new Record<String, SpecificRecord>(later.getImageId(), event, cause.timestamp()), Names.NEAR_DUPLICATES_SINK);
    return true;
  }

  /** Publishes the image's recommendations when it is complete and its top-k changed. */
  void publishIfChanged(NeighborState state, Record<?, ?> cause) {
    if (vector.recommendK() == 0 || !ready(state)) return;
    if (NeighborLists.ids(state.getNeighbors()).equals(state.getLastEmitted())) return;
    publish(state, cause);
  }

  /**
   * Publishes the image's recommendations as they are. Every image gets one event when its match
   * completes, an empty list included: a consumer then knows the image was processed and has no
   * look-alike yet (the only image of its tenant, or unlike every other), instead of waiting for
   * an event that would come only when a look-alike arrives. After that, only changes.
   */
  private void publish(NeighborState state, Record<?, ?> cause) {
    if (vector.recommendK() == 0) return;
    state.setLastEmitted(NeighborLists.ids(state.getNeighbors()));
    List<RecommendedItem> items = state.getNeighbors().stream()
        .map(n -> new RecommendedItem(n.getImageId(), Scores.clamp(n.getScore())))
        .toList();
    Recommendations recs = Recommendations.newBuilder()
        .setImageId(state.getImageId())
        .setTenant(state.getTenant())
        .setVectorName(vector.name())
        .setItems(items)
        .setUpdatedAt(Instant.ofEpochMilli(clock.millis()))
        .build();
    context.forward(new Record<String, SpecificRecord>(state.getImageId(), recs, cause.timestamp()), Names.RECOMMENDATIONS_SINK);
  }

  void publishDeleted(String imageId, Record<?, ?> cause) {
    if (vector.recommendK() == 0) return;
    context.forward(new Record<String, SpecificRecord>(imageId, null, cause.timestamp()), Names.RECOMMENDATIONS_SINK);
  }
}
