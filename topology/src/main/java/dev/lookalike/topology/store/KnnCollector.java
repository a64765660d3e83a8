package dev.lookalike.topology.store;

/**
 * Receives scored candidates from an index (after filtering). Kept apart from scoring and
 * filtering so that top-k, threshold and reverse-neighbour collection share one scan.
 */
public interface KnnCollector {

  void collect(IndexedImage image, float score);

  /** Candidates scoring below this cannot change the result; an index may skip them. */
  default float minCompetitiveScore() {
    return Float.NEGATIVE_INFINITY;
  }
}
