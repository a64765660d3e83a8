package dev.lookalike.topology.store.hnsw;

/**
 * The full-precision vectors of a graph, by slot. The graph walks int8 codes; these are read only
 * to rescore the few candidates a search returns (and by exact scans), so they can live off the
 * heap.
 */
interface FloatVectors extends AutoCloseable {

  void set(int slot, float[] vector);

  float[] get(int slot);

  /** Exact dot product of the query with the vector in the slot. */
  float dot(float[] query, int slot);

  long heapBytes();

  /**
   * The vectors of slots below {@code size} as they are now, readable from another thread while
   * this goes on growing (a background snapshot). Stored slots never change, so this shares
   * their memory: it copies the list of chunks, not the vectors, and outlives {@link #close}.
   */
  FloatVectors frozen(int size);

  @Override
  void close();

  static FloatVectors create(int dims, boolean offHeap) {
    return offHeap ? new MappedFloatVectors(dims) : new HeapFloatVectors(dims);
  }
}
