package dev.lookalike.topology.store.hnsw;

import dev.lookalike.topology.store.VectorMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Float vectors in fixed-size heap chunks: growth never copies what is stored (but the first
 * chunk, which doubles up to its full size, see {@link Chunking}), and no chunk is humongous.
 */
final class HeapFloatVectors implements FloatVectors {

  private final int dims;
  private final int shift; // 2^shift vectors per chunk, at most 256 KB (see Chunking)
  private final int mask;
  private final List<float[]> chunks;

  HeapFloatVectors(int dims) {
    this(dims, new ArrayList<>());
  }

  private HeapFloatVectors(int dims, List<float[]> chunks) {
    this.dims = dims;
    this.shift = Chunking.shiftFor(dims * Float.BYTES);
    this.mask = (1 << shift) - 1;
    this.chunks = chunks;
  }

  @Override
  public void set(int slot, float[] vector) {
    int chunk = slot >>> shift;
    int whole = (1 << shift) * dims;
    if (chunks.isEmpty()) chunks.add(new float[0]);
    if (chunks.get(0).length < whole) { // the first chunk grows to its full size as the graph's does (Chunking)
      int room = Chunking.firstChunkRoom(slot + 1, shift) * dims; // a whole chunk once the slot is past it
      if (chunks.get(0).length < room) chunks.set(0, Arrays.copyOf(chunks.get(0), room));
    }
    while (chunks.size() <= chunk) chunks.add(new float[whole]);
    System.arraycopy(vector, 0, chunks.get(chunk), (slot & mask) * dims, dims);
  }

  @Override
  public float[] get(int slot) {
    int offset = (slot & mask) * dims;
    return Arrays.copyOfRange(chunks.get(slot >>> shift), offset, offset + dims);
  }

  @Override
  public float dot(float[] query, int slot) {
    return VectorMath.dot(query, 0, chunks.get(slot >>> shift), (slot & mask) * dims, dims);
  }

  @Override
  public long heapBytes() {
    long floats = 0;
    for (float[] chunk : chunks) floats += chunk.length;
    return floats * Float.BYTES;
  }

  @Override
  public FloatVectors frozen(int size) {
    return new HeapFloatVectors(dims, List.copyOf(chunks.subList(0, Chunking.chunksFor(size, shift))));
  }

  @Override
  public void close() {
    chunks.clear();
  }
}
