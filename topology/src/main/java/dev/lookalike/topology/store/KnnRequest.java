package dev.lookalike.topology.store;

/**
 * What a search must find. An approximate index may return the {@code k} best approximately,
 * but must offer every image scoring at least {@code exhaustiveAbove}: duplicate decisions rest
 * on that threshold, so it may not lose pairs to approximation. An exact index offers everything.
 */
public record KnnRequest(int k, float exhaustiveAbove) {

  /** Every stored image: an approximate index answers it with an exact scan. */
  public static final KnnRequest EVERYTHING = new KnnRequest(Integer.MAX_VALUE, Float.NEGATIVE_INFINITY);

  public KnnRequest {
    if (k < 0) throw new IllegalArgumentException("k must be >= 0");
  }

  /** The k best; nothing needs to be exhaustive. */
  public static KnnRequest topK(int k) {
    return new KnnRequest(k, Float.POSITIVE_INFINITY);
  }
}
