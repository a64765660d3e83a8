package dev.lookalike.topology.store;

import java.util.List;
import org.apache.kafka.streams.query.Query;

/**
 * A custom IQv2 query: the k best images for a vector under a filter. The vector store answers it
 * per partition; the HTTP layer merges the partitions' lists into the global top-k.
 */
public record KnnQuery(float[] vector, SearchFilter filter, int k) implements Query<List<ScoredImage>> {

  public KnnQuery {
    if (k < 0) throw new IllegalArgumentException("k must be >= 0");
  }
}
