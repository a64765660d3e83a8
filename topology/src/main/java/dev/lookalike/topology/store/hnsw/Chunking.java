package dev.lookalike.topology.store.hnsw;

import java.util.Arrays;

/**
 * Sizes of the fixed-size chunks that hold per-node data. A chunk stays at or below 256 KB: G1
 * stores an array of half a region or more as a "humongous" object in regions of its own, and
 * with the 1-2 MB regions of a heap of a few GB a 2 MB chunk took two whole regions (measured:
 * twice the heap for the codes at 4 GB). Small chunks also mean growth never copies data, but
 * for the first chunk: it starts at a few nodes and doubles until it is whole, so a graph of a
 * handful of images (a small tenant; every tenant has its own graph) does not take a whole chunk
 * of every column (about 700 KB at 512 dims: a thousand small tenants took 700 MB of heap).
 */
final class Chunking {

  static final int MAX_CHUNK_BYTES = 256 * 1024;
  private static final int MIN_SHIFT = 4;
  private static final int MAX_SHIFT = 12;
  /** Nodes the first chunk starts with. */
  static final int FIRST_ROOM = 4;

  private Chunking() {}

  /** log2 of the nodes per chunk for this many bytes per node (16 to 4096 nodes). */
  static int shiftFor(int bytesPerNode) {
    int shift = MAX_SHIFT;
    while (shift > MIN_SHIFT && ((long) bytesPerNode << shift) > MAX_CHUNK_BYTES) shift--;
    return shift;
  }

  /**
   * Nodes the first chunk should have room for to hold {@code nodes}: the power of two at or
   * above it, from {@link #FIRST_ROOM} up to a whole chunk.
   */
  static int firstChunkRoom(int nodes, int shift) {
    int room = nodes <= FIRST_ROOM ? FIRST_ROOM : Integer.highestOneBit(nodes - 1) << 1;
    return Math.min(1 << shift, room);
  }

  /** Chunks needed for {@code nodes} nodes. */
  static int chunksFor(int nodes, int shift) {
    return (int) (((long) nodes + (1L << shift) - 1) >>> shift);
  }

  /** Nodes in use in a chunk when {@code size} nodes are stored. */
  static int nodesIn(int chunk, int shift, int size) {
    return Math.min(1 << shift, size - (chunk << shift));
  }

  /** The outer array with room for {@code chunks} chunks (grown by doubling: it is small). */
  static <T> T[] withRoom(T[] outer, int chunks) {
    return outer.length >= chunks ? outer : Arrays.copyOf(outer, Math.max(chunks, outer.length * 2));
  }
}
