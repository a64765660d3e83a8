package dev.lookalike.topology.store.hnsw;

import dev.lookalike.topology.store.VectorMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Float vectors in fixed-size heap chunks: growth never copies what is stored. */
final class HeapFloatVectors implements FloatVectors {

  static final int CHUNK_SHIFT = 12;
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  private final int dims;
  private final List<float[]> chunks = new ArrayList<>();

  HeapFloatVectors(int dims) {
    this.dims = dims;
  }

  @Override
  public void set(int slot, float[] vector) {
    int chunk = slot >>> CHUNK_SHIFT;
    while (chunks.size() <= chunk) chunks.add(new float[CHUNK * dims]);
    System.arraycopy(vector, 0, chunks.get(chunk), (slot & (CHUNK - 1)) * dims, dims);
  }

  @Override
  public float[] get(int slot) {
    int offset = (slot & (CHUNK - 1)) * dims;
    return Arrays.copyOfRange(chunks.get(slot >>> CHUNK_SHIFT), offset, offset + dims);
  }

  @Override
  public float dot(float[] query, int slot) {
    return VectorMath.dot(query, 0, chunks.get(slot >>> CHUNK_SHIFT), (slot & (CHUNK - 1)) * dims, dims);
  }

  @Override
  public long heapBytes() {
    return (long) chunks.size() * CHUNK * dims * Float.BYTES;
  }

  @Override
  public void close() {
    chunks.clear();
  }
}
