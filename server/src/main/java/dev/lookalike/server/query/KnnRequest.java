package dev.lookalike.server.query;

import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import java.util.List;
import java.util.Set;

/** Internal: one instance asks another for the top-k of some partitions of a vector store. */
public record KnnRequest(String store, float[] vector, SearchFilter filter, int k, Set<Integer> partitions) {

  /** The answer: that instance's merged top-k over exactly the partitions asked for. */
  public record Response(List<ScoredImage> hits) {}
}
