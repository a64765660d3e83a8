package dev.lookalike.topology.store;

/**
 * The in-memory search structure of a vector store, rebuilt from the store's changelog on
 * restore. Our own small interface, so an approximate index can replace the exact scan.
 */
public interface VectorIndex {

  void upsert(IndexedImage image, float[] vector);

  boolean remove(String imageId);

  int size();

  int dimensions();

  /** Offers every stored image of the filter's tenant that passes the filter to the collector. */
  void search(float[] query, SearchFilter filter, KnnCollector collector);
}
