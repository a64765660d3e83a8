package dev.lookalike.topology.match;

import dev.lookalike.avro.internal.MatchMessage;
import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.avro.internal.Neighbor;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.KnnCollector;
import dev.lookalike.topology.store.KnnRequest;
import dev.lookalike.topology.store.PairOrder;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.TopKCollector;
import dev.lookalike.topology.store.VectorMath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One partition's part of a match: a scan (or graph search) of this partition's vectors for an
 * asking image. The match processor runs it for QUERY and REFRESH messages from other
 * partitions; the embedded processor runs it inline for the image's own partition, which spares
 * that partition's QUERY and answer a trip through Kafka (and a commit each).
 */
final class LocalMatch {

  private LocalMatch() {}

  /**
   * Searches this partition for the asking image: offers it to the lists of local images it
   * belongs in and reports pairs in which a local image is the later one (when {@code full}), and
   * returns this partition's answer for the asking image's home.
   */
  static MatchPartial search(NeighborBook book, MatchMessage asking, int partition, boolean full, Record<?, ?> cause,
                            MatchTiming timing) {
    VectorConfig v = book.vector();
    float[] query = VectorMath.toArray(asking.getVector());
    MatchCollector found = new MatchCollector(v, asking, full);
    float floorScore = v.duplicatesEnabled() ? Math.min(v.recommendMinScore(), v.duplicateThreshold()) : v.recommendMinScore();
    SearchFilter filter = SearchFilter.tenant(asking.getTenant()).excluding(asking.getImageId()).withMinScore(floorScore);
    // An approximate index offers the asking image's nearest images and is asked for every image
    // at or above the duplicate threshold (it widens its search near the threshold).
    KnnRequest request = new KnnRequest(v.recommendK(), v.duplicatesEnabled() ? v.duplicateThreshold() : Float.POSITIVE_INFINITY);
    book.vectors().search(query, filter, request, found);
    timing.lap(MatchTiming.Phase.SEARCH);
    if (full) updateLocalImages(book, asking, found.localUpdates.values(), cause, timing);
    timing.lap(MatchTiming.Phase.LISTS);
    List<Neighbor> hits = new ArrayList<>();
    for (ScoredImage hit : found.top.results()) hits.add(neighbor(hit));
    for (ScoredImage hit : found.earlierDuplicates) {
      if (!NeighborLists.contains(hits, hit.imageId())) hits.add(neighbor(hit));
    }
    return MatchPartial.newBuilder()
        .setImageId(asking.getImageId())
        .setVectorName(v.name())
        .setFromPartition(partition)
        .setType(asking.getType())
        .setVersion(asking.getVersion())
        .setHits(hits)
        .build();
  }

  /**
   * What a search of this partition collects for the asking image: its top-k, its duplicates
   * that are earlier than it, and the local images whose lists it enters or with which it forms
   * a pair decided here. The search passes over hundreds of images (the duplicate beam); most
   * are none of these, and {@link #wants} tells the index so before it builds them.
   */
  private static final class MatchCollector implements KnnCollector {
    // Read once per search: wants runs for every candidate the search keeps, collect for the wanted ones.
    private final int k;
    private final float minScore;
    private final boolean duplicates;
    private final float threshold;
    private final boolean full;
    private final long askingAt;
    private final String askingId;
    final TopKCollector top;
    final List<ScoredImage> earlierDuplicates = new ArrayList<>();
    final Map<String, ScoredImage> localUpdates = new LinkedHashMap<>();

    MatchCollector(VectorConfig v, MatchMessage asking, boolean full) {
      this.k = v.recommendK();
      this.minScore = v.recommendMinScore();
      this.duplicates = v.duplicatesEnabled();
      this.threshold = v.duplicateThreshold();
      this.full = full;
      this.askingAt = asking.getUploadedAt();
      this.askingId = asking.getImageId();
      this.top = new TopKCollector(k, minScore);
    }

    @Override
    public boolean wants(float score, float admissionFloor) {
      return score >= top.minCompetitiveScore() || (full && (isDuplicate(score) || entersList(score, admissionFloor)));
    }

    @Override
    public void collect(IndexedImage image, float score) {
      top.collect(image, score);
      if (!full) return;
      boolean duplicate = isDuplicate(score);
      boolean entersList = entersList(score, image.admissionFloor());
      if (!duplicate && !entersList) return;
      boolean askingIsLater = PairOrder.compare(askingAt, askingId, image.uploadedAt(), image.imageId()) > 0;
      if (duplicate && askingIsLater) earlierDuplicates.add(new ScoredImage(image, score));
      if ((duplicate && !askingIsLater) || entersList) localUpdates.put(image.imageId(), new ScoredImage(image, score));
    }

    private boolean isDuplicate(float score) {
      return duplicates && score >= threshold;
    }

    private boolean entersList(float score, float admissionFloor) {
      return k > 0 && score >= minScore && !(score < admissionFloor); // NaN: not known, look
    }
  }

  /** The asking image as a neighbour of local images: list offers and later-image pairs. */
  private static void updateLocalImages(NeighborBook book, MatchMessage asking, Iterable<ScoredImage> candidates, Record<?, ?> cause,
                                        MatchTiming timing) {
    if (book.isDeleted(asking.getImageId(), asking.getVersion())) return;
    for (ScoredImage candidate : candidates) {
      NeighborState state = book.get(candidate.imageId());
      timing.countLists(1, 0);
      if (state == null) continue;
      Neighbor askingAsNeighbor = new Neighbor(asking.getImageId(), candidate.score(), asking.getUploadedAt(), asking.getContentHash(), asking.getVersion());
      boolean changed = book.offer(state, List.of(askingAsNeighbor));
      boolean localIsLater = PairOrder.compare(state.getUploadedAt(), state.getImageId(), asking.getUploadedAt(), asking.getImageId()) > 0;
      if (localIsLater && book.reportDuplicate(state, askingAsNeighbor, cause)) changed = true;
      if (changed) {
        timing.countLists(0, 1);
        book.publishIfChanged(state, cause);
        book.put(state);
      } else {
        book.vectors().setAdmissionFloor(state.getImageId(), book.floor(state));
      }
    }
  }

  static Neighbor neighbor(ScoredImage hit) {
    IndexedImage image = hit.image();
    return new Neighbor(image.imageId(), hit.score(), image.uploadedAt(), image.contentHash(), image.version());
  }
}
