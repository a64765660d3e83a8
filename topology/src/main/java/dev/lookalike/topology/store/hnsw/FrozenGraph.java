package dev.lookalike.topology.store.hnsw;

import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.BitSet;
import java.util.function.IntFunction;

/**
 * A graph as it was at one moment, written to a snapshot file on another thread while the graph
 * goes on changing. What a stored node has never changes (an update is a new node plus a
 * tombstone, and compaction builds a new graph), so codes, scales, float vectors and records
 * are shared; links change with every insert's back-links and tombstones with every delete, so
 * those are copied: ~130 MB and a fraction of a second at a million nodes, where writing the
 * file takes 10-15 s.
 *
 * <p>The file's layout does not depend on the chunk size: all scales, then the codes and the
 * links of each block of {@link HnswGraph#FILE_BLOCK} nodes (the chunk size of the first
 * snapshots), then per node its upper links and, if live, its id and float vector.
 */
record FrozenGraph(int dims, int m0, int shift, int size, int entry, int topLevel, BitSet deleted, byte[][] codes, float[][] scales,
                   LinkCopy bottomLinks, Int2ObjectOpenHashMap<int[]> upperLinks, IntFunction<String> ids, FloatVectors floats) {

  void write(DataOutputStream out, SnapshotIO io) throws IOException {
    out.writeInt(size);
    out.writeInt(entry);
    out.writeInt(topLevel);
    long[] deletedBits = deleted.toLongArray();
    out.writeInt(deletedBits.length);
    for (long bits : deletedBits) out.writeLong(bits);
    for (int chunk = 0; chunk < Chunking.chunksFor(size, shift); chunk++) io.writeFloats(out, scales[chunk], 0, nodesIn(chunk));
    for (int start = 0; start < size; start += HnswGraph.FILE_BLOCK) {
      int end = Math.min(size, start + HnswGraph.FILE_BLOCK);
      for (int chunk = start >>> shift; chunk < Chunking.chunksFor(end, shift); chunk++) out.write(codes[chunk], 0, nodesIn(chunk) * dims);
      bottomLinks.write(out, io, (long) start * (m0 + 1), (long) end * (m0 + 1));
    }
    for (int node = 0; node < size; node++) {
      int[] upper = upperLinks.get(node);
      out.writeShort(upper == null ? 0 : upper.length);
      if (upper != null) io.writeInts(out, upper, 0, upper.length);
      boolean live = !deleted.get(node);
      out.writeBoolean(live);
      if (live) {
        out.writeUTF(ids.apply(node));
        io.writeFloats(out, floats.get(node), 0, dims);
      }
    }
  }

  private int nodesIn(int chunk) {
    return Chunking.nodesIn(chunk, shift, size);
  }

  /**
   * The bottom layer's link lists, node after node, copied into a few large arrays. G1 puts an
   * array of half a region or more straight into the old generation ("humongous") and frees it
   * as soon as it is dead, so this copy, which lives for the seconds a snapshot takes to write,
   * is never copied again by young collections. As the graph's own small chunks it would be:
   * ~130 MB at a million nodes, evacuated in young pauses measured at ~250 ms.
   */
  static final class LinkCopy {
    // 4 Mi ints (16 MB) per block: humongous in every G1 region size up to 32 MB.
    private static final int BLOCK_SHIFT = 22;
    private static final int BLOCK = 1 << BLOCK_SHIFT;
    private final int[][] blocks;

    private LinkCopy(int[][] blocks) {
      this.blocks = blocks;
    }

    /** Copies the first {@code ints} ints of the chunks, each chunk holding {@code chunkInts}. */
    static LinkCopy of(int[][] chunks, int chunkInts, long ints) {
      int[][] blocks = new int[(int) ((ints + BLOCK - 1) >>> BLOCK_SHIFT)][];
      for (int b = 0; b < blocks.length; b++) blocks[b] = new int[(int) Math.min(BLOCK, ints - ((long) b << BLOCK_SHIFT))];
      for (long at = 0; at < ints; ) {
        int chunk = (int) (at / chunkInts);
        int inChunk = (int) (at % chunkInts);
        int block = (int) (at >>> BLOCK_SHIFT);
        int inBlock = (int) (at & (BLOCK - 1));
        int n = (int) Math.min(Math.min(chunkInts - inChunk, blocks[block].length - inBlock), ints - at);
        System.arraycopy(chunks[chunk], inChunk, blocks[block], inBlock, n);
        at += n;
      }
      return new LinkCopy(blocks);
    }

    void write(DataOutputStream out, SnapshotIO io, long from, long to) throws IOException {
      for (long at = from; at < to; ) {
        int block = (int) (at >>> BLOCK_SHIFT);
        int inBlock = (int) (at & (BLOCK - 1));
        int n = (int) Math.min(blocks[block].length - inBlock, to - at);
        io.writeInts(out, blocks[block], inBlock, n);
        at += n;
      }
    }
  }
}
