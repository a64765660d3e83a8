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

  /**
   * Whether a candidate with this exact score, whose image has this cached admission floor (NaN:
   * not known; see {@link IndexedImage#admissionFloor()}), could change the result. An index that
   * keeps the floor beside the vector asks before it builds the image: building one reads its
   * record and decodes its strings, and a search that offers hundreds of candidates to a
   * collector that wants a few pays for every one it builds.
   */
  default boolean wants(float score, float admissionFloor) {
    return true;
  }
}
