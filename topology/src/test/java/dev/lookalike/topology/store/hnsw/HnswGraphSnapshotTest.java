package dev.lookalike.topology.store.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.KnnRequest;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.TopKCollector;
import dev.lookalike.topology.store.VectorIndex;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshot files outlive the code that wrote them: their layout must not depend on how the graph
 * chunks its arrays in memory (a snapshot of the first, 4096-node chunks must still load). And a
 * snapshot is written from a frozen copy while the graph goes on changing.
 */
class HnswGraphSnapshotTest {

  private static final int DIMS = 96;
  private static final HnswParams PARAMS = HnswParams.DEFAULTS.withExactBelow(0);

  @Test
  void theFileIsTheSameWhateverTheChunkSizeAndLoadsIntoAnyChunkSize() throws IOException {
    HnswGraph small = new HnswGraph("t", DIMS, PARAMS, 4); // 16 nodes per chunk
    HnswGraph large = new HnswGraph("t", DIMS, PARAMS, 12); // 4096, as the first snapshots
    ClusteredVectors data = new ClusteredVectors(5, DIMS, 40, 0.9);
    for (int i = 0; i < 5_000; i++) { // more than one file block
      float[] v = data.next();
      small.add(image(i), v);
      large.add(image(i), v);
    }
    small.remove(ImageRecords.IdKey.of("img-17"));
    large.remove(ImageRecords.IdKey.of("img-17"));
    byte[] fromSmall = write(small);
    assertThat(fromSmall).isEqualTo(write(large));

    HnswGraph loaded = HnswGraph.read(new DataInputStream(new ByteArrayInputStream(fromSmall)), new SnapshotIO(), "t", DIMS, PARAMS,
        id -> image(Integer.parseInt(id.substring(4))));
    assertThat(write(loaded)).isEqualTo(fromSmall);
    for (int q = 0; q < 20; q++) {
      float[] query = data.next();
      assertThat(top(loaded, query)).isEqualTo(top(small, query));
    }
  }

  /**
   * A snapshot is written on another thread while the stream goes on: what was frozen must be
   * written as it was, whatever changed since. New nodes add back-links to frozen nodes' lists
   * (upper layers too), deletes set tombstones and drop large records, a wave of deletes
   * compacts a graph (closing its float vectors), and a tenant emptied loses its graph.
   */
  @ParameterizedTest(name = "floats off the heap: {0}")
  @ValueSource(booleans = {false, true})
  void aFrozenIndexIsWrittenAsItWasWhenFrozenWhateverChangedSince(boolean offHeap) throws IOException {
    HnswIndex index = new HnswIndex(DIMS, PARAMS.withOffHeapFloats(offHeap));
    ClusteredVectors data = new ClusteredVectors(11, DIMS, 30, 0.9);
    String longId = "img-" + "x".repeat(5_000); // a record too large for the arena
    for (int i = 0; i < 3_000; i++) index.upsert(image("img-" + i, "a"), data.next());
    for (int i = 0; i < 200; i++) index.upsert(image("small-" + i, "b"), data.next());
    index.upsert(image(longId, "a"), data.next());
    for (int i = 0; i < 3; i++) index.upsert(image("tiny-" + i, "c"), data.next()); // its first chunk has room for 4
    for (int i = 0; i < 3_000; i += 50) index.remove("img-" + i);
    byte[] then = write(index.freezeSnapshot());

    VectorIndex.Frozen frozen = index.freezeSnapshot();
    for (int i = 3; i < 40; i++) index.upsert(image("tiny-" + i, "c"), data.next()); // its first chunk grows (copies) past it
    for (int i = 3_000; i < 4_500; i++) index.upsert(image("img-" + i, "a"), data.next());
    for (int i = 1; i < 2_000; i += 50) index.upsert(image("img-" + i, "a"), data.next()); // updates: tombstone + new node
    index.remove(longId);
    for (int i = 0; i < 200; i++) index.remove("small-" + i);
    for (int i = 2; i < 4_500; i += 2) index.remove("img-" + i); // enough to compact tenant a

    assertThat(write(index.freezeSnapshot())).as("the index did change").isNotEqualTo(then);
    assertThat(write(frozen)).isEqualTo(then);
  }

  private static byte[] write(VectorIndex.Frozen frozen) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      frozen.write(out);
    }
    return bytes.toByteArray();
  }

  private static byte[] write(HnswGraph graph) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      graph.freeze().write(out, new SnapshotIO());
    }
    return bytes.toByteArray();
  }

  private static List<ScoredImage> top(HnswGraph graph, float[] query) {
    TopKCollector top = new TopKCollector(10, -1f);
    graph.search(query, SearchFilter.tenant("t"), KnnRequest.topK(10), top, 64, 0);
    return top.results();
  }

  private static IndexedImage image(String id, String tenant) {
    return new IndexedImage(id, tenant, 1, 1, "h", List.of(), Map.of());
  }

  private static IndexedImage image(int i) {
    return new IndexedImage("img-" + i, "t", i, 1, "h", List.of(), Map.of());
  }
}
