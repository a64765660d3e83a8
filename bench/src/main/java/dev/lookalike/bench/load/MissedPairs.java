package dev.lookalike.bench.load;

import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.store.KnnQuery;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;

/**
 * Says why planted pairs were not reported, by asking the live stores after the run: is the
 * earlier image stored at all, and does a top-k search for the copy find it now (so the miss
 * happened at event time), or not even now (the graph does not lead to it)?
 */
final class MissedPairs {

  private static final int K = 50;

  private MissedPairs() {}

  /** Prints one line per missed pair (at most {@code limit}) and a summary; a failed query is reported, not thrown. */
  static void trace(KafkaStreams streams, String vectorName, List<? extends LoadEvent<?>> missed, int limit) {
    try {
      traceOrThrow(streams, vectorName, missed, limit);
    } catch (RuntimeException e) {
      LoadDriver.progress("  could not trace the missed pairs: %s", e);
    }
  }

  private static void traceOrThrow(KafkaStreams streams, String vectorName, List<? extends LoadEvent<?>> missed, int limit) {
    String store = Names.vectorStore(vectorName);
    int stored = 0;
    int foundNow = 0;
    int traced = 0;
    for (LoadEvent<?> e : missed.subList(0, Math.min(limit, missed.size()))) {
      if (!(e.build().apply(Instant.now()) instanceof ImageEmbedded copy)) return; // only mode (a) carries vectors
      traced++;
      boolean present = stored(streams, store, e.duplicateOf());
      List<ScoredImage> hits = search(streams, store, e.id(), vector(copy));
      int rank = rank(hits, e.duplicateOf());
      if (present) stored++;
      if (rank >= 0) foundNow++;
      LoadDriver.progress("    missed %s -> %s: earlier image %s; top-%d search for the copy now: %s; best hit %s", e.id(),
          e.duplicateOf(), present ? "stored" : "NOT STORED", K,
          rank >= 0 ? String.format("rank %d, score %.4f", rank + 1, hits.get(rank).score()) : "not among them",
          hits.isEmpty() ? "none" : String.format("%s %.4f", hits.get(0).imageId(), hits.get(0).score()));
    }
    LoadDriver.progress("  missed pairs traced: %d; earlier image stored: %d; found by a search now: %d", traced, stored, foundNow);
  }

  private static boolean stored(KafkaStreams streams, String store, String imageId) {
    StateQueryResult<Object> result = streams.query(StateQueryRequest.inStore(store).withQuery(KeyQuery.<String, Object>withKey(imageId)));
    return result.getPartitionResults().values().stream().anyMatch(r -> r.isSuccess() && r.getResult() != null);
  }

  private static List<ScoredImage> search(KafkaStreams streams, String store, String copyId, float[] vector) {
    StateQueryResult<List<ScoredImage>> result = streams.query(StateQueryRequest.inStore(store)
        .withQuery(new KnnQuery(vector, SearchFilter.tenant(Preload.TENANT).excluding(copyId), K)));
    return result.getPartitionResults().values().stream().filter(QueryResult::isSuccess)
        .flatMap(r -> r.getResult().stream()).sorted(ScoredImage.BEST_FIRST).toList();
  }

  private static int rank(List<ScoredImage> hits, String imageId) {
    for (int i = 0; i < hits.size(); i++) if (hits.get(i).imageId().equals(imageId)) return i;
    return -1;
  }

  private static float[] vector(ImageEmbedded event) {
    List<Float> values = event.getVectors().get(0).getVector();
    float[] v = new float[values.size()];
    for (int i = 0; i < v.length; i++) v[i] = values.get(i);
    return v;
  }
}
