package dev.lookalike.topology.store;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.function.Function;

/**
 * The in-memory search structure of a vector store, rebuilt from the store's changelog on
 * restore. Our own small interface, so an exact scan and an approximate graph are
 * interchangeable; scoring stays in the index, filtering in {@link SearchFilter}, result
 * collection in the {@link KnnCollector}.
 */
public interface VectorIndex {

  void upsert(IndexedImage image, float[] vector);

  /**
   * As {@link #upsert(IndexedImage, float[])}; {@code searchFollows} says that a search for this
   * very vector comes next (the match stage's, right after it stores an upload), so an index
   * that searches to insert may keep what it found for that search instead of walking the same
   * neighbourhood twice. Restores pass false.
   */
  default void upsert(IndexedImage image, float[] vector, boolean searchFollows) {
    upsert(image, vector);
  }

  /**
   * As {@link #upsert(IndexedImage, float[], boolean)}, from a caller that knows whether the id
   * is stored at all (the vector store's entries say): {@code stored} false lets an index with
   * a part per tenant skip looking for the id in the other tenants' parts.
   */
  default void upsert(IndexedImage image, float[] vector, boolean searchFollows, boolean stored) {
    upsert(image, vector, searchFollows);
  }

  boolean remove(String imageId);

  /** As {@link #remove(String)}; {@code tenant} is the image's, or null when the caller does not know it. */
  default boolean remove(String imageId, String tenant) {
    return remove(imageId);
  }

  int size();

  int dimensions();

  /** The image as this index holds it, or null (an index may build a new object on each call). */
  IndexedImage image(String imageId);

  /** The stored vector of an image (a copy), or null. */
  float[] vector(String imageId);

  /**
   * Stream thread only: the score a newcomer must reach to enter the image's neighbour list, as
   * cached by the match stage; NaN when not known or the image is not stored. Searches hand it
   * out on every {@link IndexedImage}.
   */
  default float admissionFloor(String imageId) {
    IndexedImage image = image(imageId);
    return image == null ? Float.NaN : image.admissionFloor();
  }

  /** Stream thread only; NaN forgets the cached score. Ignored for an image not stored. */
  default void admissionFloor(String imageId, float floor) {
    IndexedImage image = image(imageId);
    if (image != null) image.admissionFloor(floor);
  }

  /**
   * Offers stored images of the filter's tenant that pass the filter to the collector, with
   * their exact scores: at least what the request asks for (an exact index offers them all).
   */
  void search(float[] query, SearchFilter filter, KnnRequest request, KnnCollector collector);

  /** True when this kind of index is worth saving: rebuilding it costs far more than reading it. */
  default boolean canSnapshot() {
    return false;
  }

  /**
   * What {@link #readSnapshot} needs to come back without re-inserting every vector, frozen as
   * it is now: the writer may run on another thread while this index goes on changing (a
   * million vectors take seconds to write). Callers hold off writes while it is taken.
   */
  default Frozen freezeSnapshot() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no snapshots");
  }

  /** An index as it was when frozen, ready to be written by any one thread. */
  @FunctionalInterface
  interface Frozen {
    void write(DataOutputStream out) throws IOException;
  }

  /** Loads a snapshot into this empty index; images are looked up by id in the store's entries. */
  default void readSnapshot(DataInputStream in, Function<String, IndexedImage> images) throws IOException {
    throw new IOException(getClass().getSimpleName() + " has no snapshots");
  }

  /** Offers every stored image of the filter's tenant that passes the filter. */
  default void search(float[] query, SearchFilter filter, KnnCollector collector) {
    search(query, filter, KnnRequest.EVERYTHING, collector);
  }
}
