package dev.lookalike.topology.store.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** No chunk may reach G1's humongous size (half of a 1 MB region) unless a node alone is that big; a small graph's first chunk is small. */
class ChunkingTest {

  @Test
  void chunksStayAtMost256KbAndAsLargeAsThatAllows() {
    for (int bytesPerNode = 1; bytesPerNode <= 70_000; bytesPerNode += 7) {
      int shift = Chunking.shiftFor(bytesPerNode);
      long chunkBytes = (long) bytesPerNode << shift;
      assertThat(shift).isBetween(4, 12);
      if (shift > 4) assertThat(chunkBytes).as("%d B per node", bytesPerNode).isLessThanOrEqualTo(Chunking.MAX_CHUNK_BYTES);
      if (shift < 12) assertThat(chunkBytes * 2).as("%d B per node", bytesPerNode).isGreaterThan(Chunking.MAX_CHUNK_BYTES);
    }
    assertThat(Chunking.chunksFor(0, 9)).isZero();
    assertThat(Chunking.chunksFor(512, 9)).isEqualTo(1);
    assertThat(Chunking.chunksFor(513, 9)).isEqualTo(2);
    assertThat(Chunking.chunksFor(Integer.MAX_VALUE, 4)).isEqualTo(1 << 27);
  }

  /** The first chunk starts with room for a few nodes and doubles up to a whole chunk. */
  @Test
  void theFirstChunkGrowsByDoublingToAWholeChunk() {
    assertThat(Chunking.firstChunkRoom(1, 9)).isEqualTo(Chunking.FIRST_ROOM);
    assertThat(Chunking.firstChunkRoom(4, 9)).isEqualTo(4);
    assertThat(Chunking.firstChunkRoom(5, 9)).isEqualTo(8);
    assertThat(Chunking.firstChunkRoom(256, 9)).isEqualTo(256);
    assertThat(Chunking.firstChunkRoom(257, 9)).isEqualTo(512);
    assertThat(Chunking.firstChunkRoom(100_000, 9)).isEqualTo(512);
  }
}
