package dev.lookalike.topology.store;

/**
 * The in-memory search structure of a vector store, rebuilt from the store's changelog on
 * restore. Our own small interface, so an exact scan and an approximate graph are
 * interchangeable; scoring stays in the index, filtering in {@link SearchFilter}, result
 * collection in the {@link KnnCollector}.
 */
public interface VectorIndex {

  void upsert(IndexedImage image, float[] vector);

  boolean remove(String imageId);

  int size();

  int dimensions();

  /** The stored vector of an image (a copy), or null. */
  float[] vector(String imageId);

  /**
   * Offers stored images of the filter's tenant that pass the filter to the collector, with
   * their exact scores: at least what the request asks for (an exact index offers them all).
   */
  void search(float[] query, SearchFilter filter, KnnRequest request, KnnCollector collector);

  /** Offers every stored image of the filter's tenant that passes the filter. */
  default void search(float[] query, SearchFilter filter, KnnCollector collector) {
    search(query, filter, KnnRequest.EVERYTHING, collector);
  }
}
