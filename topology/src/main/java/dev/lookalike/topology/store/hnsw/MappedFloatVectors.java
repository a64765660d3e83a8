package dev.lookalike.topology.store.hnsw;

import dev.lookalike.topology.store.VectorMath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Float vectors in memory-mapped chunk files, off the heap: a million 512-d vectors are 2 GB the
 * kernel pages in and out, while the heap holds only codes and links. Each chunk file is filled
 * with zeros when created (so a full disk fails here, with an exception, not later with SIGBUS on
 * a write into a sparse file) and unlinked at once: nothing is left behind, even after kill -9.
 * The first chunk starts with room for a few vectors and is mapped again, twice as large, as it
 * fills ({@link Chunking}): every tenant has its own graph, and a whole chunk (32 MB of zeros on
 * disk at 512 dims) per small tenant would fill the disk and the page cache.
 */
final class MappedFloatVectors implements FloatVectors {

  private static final int CHUNK_SHIFT = 14;
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  private final int dims;
  private final List<FloatBuffer> chunks;
  private final ThreadLocal<float[]> scratch;

  MappedFloatVectors(int dims) {
    this(dims, new ArrayList<>());
  }

  private MappedFloatVectors(int dims, List<FloatBuffer> chunks) {
    this.dims = dims;
    this.chunks = chunks;
    this.scratch = ThreadLocal.withInitial(() -> new float[dims]);
  }

  @Override
  public void set(int slot, float[] vector) {
    int chunk = slot >>> CHUNK_SHIFT;
    if (chunks.isEmpty() || vectorsIn(chunks.get(0)) < CHUNK) {
      int room = Chunking.firstChunkRoom(slot + 1, CHUNK_SHIFT); // a whole chunk once the slot is past it
      if (chunks.isEmpty()) chunks.add(newChunk(room));
      else if (vectorsIn(chunks.get(0)) < room) chunks.set(0, grown(chunks.get(0), room));
    }
    while (chunks.size() <= chunk) chunks.add(newChunk(CHUNK));
    chunks.get(chunk).put((slot & (CHUNK - 1)) * dims, vector, 0, dims);
  }

  @Override
  public float[] get(int slot) {
    float[] out = new float[dims];
    chunks.get(slot >>> CHUNK_SHIFT).get((slot & (CHUNK - 1)) * dims, out, 0, dims);
    return out;
  }

  @Override
  public float dot(float[] query, int slot) {
    float[] v = scratch.get();
    chunks.get(slot >>> CHUNK_SHIFT).get((slot & (CHUNK - 1)) * dims, v, 0, dims);
    return VectorMath.dot(query, 0, v, 0, dims);
  }

  @Override
  public long heapBytes() {
    return 0;
  }

  /** Absolute gets leave a buffer's position alone, so two threads may read one buffer. */
  @Override
  public FloatVectors frozen(int size) {
    return new MappedFloatVectors(dims, List.copyOf(chunks.subList(0, (size + CHUNK - 1) >>> CHUNK_SHIFT)));
  }

  @Override
  public void close() {
    chunks.clear(); // the mappings go with the buffers when they are collected
  }

  /** Bytes mapped (tests). */
  long mappedBytes() {
    long floats = 0;
    for (FloatBuffer chunk : chunks) floats += chunk.capacity();
    return floats * Float.BYTES;
  }

  private int vectorsIn(FloatBuffer chunk) {
    return chunk.capacity() / dims;
  }

  /** A new mapping with room for {@code vectors}, holding what {@code old} holds; a frozen copy keeps the old one. */
  private FloatBuffer grown(FloatBuffer old, int vectors) {
    FloatBuffer chunk = newChunk(vectors);
    chunk.put(0, old, 0, old.capacity());
    return chunk;
  }

  private FloatBuffer newChunk(int vectors) {
    long bytes = (long) vectors * dims * Float.BYTES;
    try {
      Path file = Files.createTempFile("lookalike-vectors-", ".f32");
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
        for (long written = 0; written < bytes; ) {
          zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - written));
          written += channel.write(zeros, written);
        }
        ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        return mapped.order(ByteOrder.nativeOrder()).asFloatBuffer();
      } finally {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make room for float vectors off the heap", e);
    }
  }
}
