package dev.lookalike.topology.store.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lookalike.topology.store.ExactScanIndex;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.KnnCollector;
import dev.lookalike.topology.store.KnnRequest;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.TopKCollector;
import dev.lookalike.topology.store.VectorIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Recall against brute force on seeded data, as Lucene's HNSW tests do; plus the index contract. */
class HnswIndexTest {

  private static final HnswParams GRAPH_ALWAYS = HnswParams.DEFAULTS.withExactBelow(0);

  @Test
  void recallAtTenAgainstAnExactScanIsAtLeast95Percent() {
    int dims = 96;
    ClusteredVectors data = new ClusteredVectors(42, dims, 200, 0.9);
    HnswIndex hnsw = new HnswIndex(dims, GRAPH_ALWAYS);
    ExactScanIndex exact = new ExactScanIndex(dims);
    for (int i = 0; i < 12_000; i++) add(i, "t", data.next(), hnsw, exact);
    double recall = recallAtTen(data, hnsw, exact, 300);
    assertTrue(recall >= 0.95, "recall@10 " + recall);
  }

  @Test
  void everyImageAboveTheExhaustiveThresholdIsFoundEvenWhenThereAreMoreThanEf() {
    int dims = 64;
    ClusteredVectors data = new ClusteredVectors(7, dims, 50, 1.0);
    HnswIndex hnsw = new HnswIndex(dims, GRAPH_ALWAYS.withEfSearch(16).withEfDuplicates(16));
    ExactScanIndex exact = new ExactScanIndex(dims);
    for (int i = 0; i < 5_000; i++) add(i, "t", data.next(), hnsw, exact);
    float[] original = data.next();
    for (int copy = 0; copy < 200; copy++) add(10_000 + copy, "t", data.nearCopy(original, 0.15), hnsw, exact);
    float threshold = 0.95f;
    Set<String> expected = ids(above(exact, original, threshold));
    assertTrue(expected.size() > 16 * 4, "the test needs more duplicates than ef widened once: " + expected.size());
    assertEquals(expected, ids(above(hnsw, original, threshold)));
  }

  @Test
  void pairRecallOfPlantedNearDuplicatesIsComplete() {
    int dims = 128;
    ClusteredVectors data = new ClusteredVectors(11, dims, 300, 0.8);
    HnswIndex hnsw = new HnswIndex(dims, GRAPH_ALWAYS);
    ExactScanIndex exact = new ExactScanIndex(dims);
    List<float[]> planted = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      float[] v = data.next();
      add(i, "t", v, hnsw, exact);
      if (i % 50 == 0) planted.add(data.nearCopy(v, 0.3));
    }
    int expectedPairs = 0;
    int foundPairs = 0;
    for (float[] copy : planted) {
      Set<String> expected = ids(above(exact, copy, 0.9f));
      Set<String> found = ids(above(hnsw, copy, 0.9f));
      expectedPairs += expected.size();
      for (String id : expected) if (found.contains(id)) foundPairs++;
    }
    assertTrue(expectedPairs >= planted.size(), "every copy has its original above 0.9");
    assertEquals(expectedPairs, foundPairs);
  }

  @Test
  void removedImagesAreNeverReturnedAndRecallSurvivesCompaction() {
    int dims = 64;
    ClusteredVectors data = new ClusteredVectors(3, dims, 100, 0.9);
    HnswIndex hnsw = new HnswIndex(dims, GRAPH_ALWAYS);
    ExactScanIndex exact = new ExactScanIndex(dims);
    for (int i = 0; i < 6_000; i++) add(i, "t", data.next(), hnsw, exact);
    SplittableRandom random = new SplittableRandom(5);
    Set<String> removed = new HashSet<>();
    while (removed.size() < 2_500) {
      String id = "img-" + random.nextInt(6_000);
      if (removed.add(id)) {
        assertTrue(hnsw.remove(id));
        exact.remove(id);
      }
    }
    assertFalse(hnsw.remove("img-unknown"));
    assertEquals(3_500, hnsw.size());
    for (int q = 0; q < 200; q++) {
      for (ScoredImage hit : topK(hnsw, data.next(), 10)) assertFalse(removed.contains(hit.imageId()));
    }
    assertTrue(recallAtTen(data, hnsw, exact, 200) >= 0.95);
    assertNull(hnsw.vector(removed.iterator().next()));
  }

  @Test
  void aTenantNeverSeesAnotherTenantsImages() {
    int dims = 32;
    ClusteredVectors data = new ClusteredVectors(9, dims, 20, 0.5);
    HnswIndex hnsw = new HnswIndex(dims, GRAPH_ALWAYS);
    for (int i = 0; i < 3_000; i++) {
      float[] v = data.next();
      hnsw.upsert(image(i, "a"), v);
      hnsw.upsert(image(100_000 + i, "b"), v); // byte-identical vectors in the other tenant
    }
    for (int q = 0; q < 100; q++) {
      for (ScoredImage hit : topK(hnsw, data.next(), 20, SearchFilter.tenant("a"))) assertEquals("a", hit.image().tenant());
    }
  }

  /**
   * Every tenant has a graph of its own: a tenant of a few images must cost about what it holds.
   * Each column used to start with a whole chunk (~700 KB at 512 dims), so a thousand small
   * tenants took 700 MB of heap.
   */
  @Test
  void aThousandSmallTenantsCostKilobytesEachAndKeepTheirImages() {
    int dims = 512;
    HnswIndex hnsw = new HnswIndex(dims, HnswParams.DEFAULTS);
    ClusteredVectors data = new ClusteredVectors(3, dims, 10, 0.5);
    Map<Integer, float[]> vectors = new HashMap<>();
    for (int t = 0; t < 1_000; t++) {
      for (int i = 0; i < 3; i++) {
        float[] v = data.next();
        vectors.put(t * 10 + i, v);
        hnsw.upsert(image(t * 10 + i, "tenant-" + t), v);
      }
    }
    long perTenant = (hnsw.structureBytes() + hnsw.recordBytes()) / 1_000;
    // Room for 4 images: floats 8 KB, codes 2 KB, links 0.5 KB; a 1 KB arena of ids.
    assertThat(perTenant).isLessThan(16_000);
    for (int t = 0; t < 1_000; t += 37) {
      int id = t * 10 + 2;
      assertThat(topK(hnsw, vectors.get(id), 3, SearchFilter.tenant("tenant-" + t))).extracting(hit -> hit.image().imageId())
          .containsExactlyInAnyOrder("img-" + (t * 10), "img-" + (t * 10 + 1), "img-" + id);
      assertThat(hnsw.vector("img-" + id)).containsExactly(vectors.get(id));
    }
  }

  /**
   * An id is looked for in the tenant the caller names, then in the graph of the last id found,
   * then everywhere: each way finds the one live image, a wrong hint included, and a graph
   * dropped by a compaction is never asked again.
   */
  @Test
  void anIdIsFoundWhicheverWayItIsLookedFor() {
    HnswIndex hnsw = new HnswIndex(4, GRAPH_ALWAYS);
    for (int t = 0; t < 50; t++) hnsw.upsert(image(t, "tenant-" + t), new float[] {1, t, 0, 0}, false, false);
    hnsw.upsert(image(7, "tenant-8"), new float[] {0, 0, 1, 0}, false, true); // moved: stored in another tenant
    assertEquals(50, hnsw.size());
    assertThat(hnsw.image("img-7").tenant()).isEqualTo("tenant-8");
    assertThat(topK(hnsw, new float[] {1, 7, 0, 0}, 5, SearchFilter.tenant("tenant-7"))).isEmpty();

    assertTrue(hnsw.remove("img-3", "tenant-40")); // a wrong tenant
    assertNull(hnsw.image("img-3"));
    assertFalse(hnsw.remove("img-3", "tenant-3"));
    hnsw.admissionFloor("img-20", 0.5f);
    hnsw.admissionFloor("img-21", 0.25f);
    assertEquals(0.5f, hnsw.admissionFloor("img-20"));
    assertEquals(0.25f, hnsw.admissionFloor("img-21"));

    SplittableRandom random = new SplittableRandom(5);
    Map<Integer, float[]> big = new HashMap<>();
    for (int i = 1_000; i < 1_300; i++) {
      big.put(i, new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat(), 1});
      hnsw.upsert(image(i, "big"), big.get(i));
    }
    assertEquals(Float.NaN, hnsw.admissionFloor("img-1299")); // the last graph found is big's
    for (int i = 1_000; i < 1_100; i++) assertTrue(hnsw.remove("img-" + i)); // compacts big's graph, which is closed
    for (int i = 1_100; i < 1_300; i++) assertThat(hnsw.vector("img-" + i)).containsExactly(big.get(i));
  }

  @Test
  void upsertReplacesTheVectorAndVectorReturnsIt() {
    HnswIndex hnsw = new HnswIndex(4, GRAPH_ALWAYS);
    hnsw.upsert(image(1, "t"), new float[] {1, 0, 0, 0});
    hnsw.upsert(image(1, "t"), new float[] {0, 1, 0, 0});
    assertEquals(1, hnsw.size());
    assertEquals(List.of(0f, 1f, 0f, 0f), boxed(hnsw.vector("img-1")));
  }

  @Test
  void smallTenantsAndSelectiveFiltersGetExactlyTheScanAnswer() {
    int dims = 48;
    ClusteredVectors data = new ClusteredVectors(21, dims, 30, 0.9);
    HnswIndex small = new HnswIndex(dims, HnswParams.DEFAULTS);
    HnswIndex graph = new HnswIndex(dims, GRAPH_ALWAYS);
    ExactScanIndex exact = new ExactScanIndex(dims);
    for (int i = 0; i < 2_000; i++) {
      float[] v = data.next();
      IndexedImage image = new IndexedImage("img-" + i, "t", i, 1, "h" + i, i % 7 == 0 ? List.of("rare") : List.of(), Map.of());
      small.upsert(image, v);
      graph.upsert(image, v);
      exact.upsert(image, v);
    }
    SearchFilter rare = new SearchFilter("t", List.of("rare"), Map.of(), null, -1f);
    for (int q = 0; q < 50; q++) {
      float[] query = data.next();
      assertEquals(topK(exact, query, 10, SearchFilter.tenant("t")), topK(small, query, 10, SearchFilter.tenant("t")));
      assertEquals(topK(exact, query, 10, rare), topK(graph, query, 10, rare));
    }
  }

  @Test
  void aCollectorIsHandedOnlyTheImagesItWantsAndIsAskedWithEachImagesFloor() {
    int dims = 48;
    ClusteredVectors data = new ClusteredVectors(23, dims, 30, 0.9);
    HnswIndex scanned = new HnswIndex(dims, HnswParams.DEFAULTS); // a small tenant: scanned
    HnswIndex graph = new HnswIndex(dims, GRAPH_ALWAYS);
    for (int i = 0; i < 2_000; i++) add(i, "t", data.next(), scanned, graph);
    for (HnswIndex index : List.of(scanned, graph)) {
      for (int i = 0; i < 2_000; i += 2) index.admissionFloor("img-" + i, 2f); // above any score: never wanted
      for (int q = 0; q < 20; q++) {
        float[] query = data.next();
        List<String> all = new ArrayList<>();
        index.search(query, SearchFilter.tenant("t"), new KnnRequest(10, 0.5f), (image, score) -> all.add(image.imageId()));
        List<String> wanted = new ArrayList<>();
        index.search(query, SearchFilter.tenant("t"), new KnnRequest(10, 0.5f), new KnnCollector() {
          @Override
          public boolean wants(float score, float admissionFloor) {
            return !(score < admissionFloor);
          }

          @Override
          public void collect(IndexedImage image, float score) {
            assertTrue(score >= image.admissionFloor() || Float.isNaN(image.admissionFloor()), image.imageId() + " was not wanted");
            wanted.add(image.imageId());
          }
        });
        List<String> odd = all.stream().filter(id -> Integer.parseInt(id.substring(4)) % 2 == 1).toList();
        assertTrue(odd.size() < all.size(), "the search must offer some floored images for this test to mean anything");
        assertEquals(odd, wanted);
      }
    }
  }

  @Test
  void offHeapFloatsScoreExactlyLikeHeapFloats() {
    int dims = 40;
    ClusteredVectors data = new ClusteredVectors(17, dims, 10, 0.9);
    HnswIndex heap = new HnswIndex(dims, GRAPH_ALWAYS);
    HnswIndex offHeap = new HnswIndex(dims, GRAPH_ALWAYS.withOffHeapFloats(true));
    for (int i = 0; i < 1_000; i++) {
      float[] v = data.next();
      heap.upsert(image(i, "t"), v);
      offHeap.upsert(image(i, "t"), v);
    }
    for (int q = 0; q < 50; q++) {
      float[] query = data.next();
      assertEquals(topK(heap, query, 10), topK(offHeap, query, 10));
    }
  }

  @Test
  void theSearchRightAfterAnInsertUsesTheInsertsWalkAndMissesNoDuplicate() {
    int dims = 96;
    ClusteredVectors data = new ClusteredVectors(13, dims, 200, 0.8);
    HnswIndex hnsw = new HnswIndex(dims, GRAPH_ALWAYS);
    ExactScanIndex exact = new ExactScanIndex(dims);
    List<float[]> originals = new ArrayList<>();
    for (int i = 0; i < 8_000; i++) {
      float[] v = data.next();
      add(i, "t", v, hnsw, exact);
      if (i % 40 == 0) originals.add(v);
    }
    int expectedPairs = 0;
    int foundPairs = 0;
    int topHits = 0;
    for (int c = 0; c < originals.size(); c++) {
      float[] copy = data.nearCopy(originals.get(c), 0.3);
      IndexedImage image = image(100_000 + c, "t");
      hnsw.upsert(image, copy, true); // as the store does while processing
      exact.upsert(image, copy);
      long reusedBefore = hnsw.reusedBeams();
      SearchFilter others = SearchFilter.tenant("t").excluding(image.imageId());
      Set<String> found = ids(above(hnsw, copy, 0.9f, others));
      List<ScoredImage> top = topK(hnsw, copy, 10, others);
      assertEquals(reusedBefore + 2, hnsw.reusedBeams(), "both searches rescore the kept walk");
      Set<String> expected = ids(above(exact, copy, 0.9f, others));
      expectedPairs += expected.size();
      for (String id : expected) if (found.contains(id)) foundPairs++;
      Set<String> truth = ids(topK(exact, copy, 10, others));
      for (ScoredImage hit : top) if (truth.contains(hit.imageId())) topHits++;
    }
    assertTrue(expectedPairs >= originals.size(), "every copy has its original above 0.9");
    assertEquals(expectedPairs, foundPairs);
    assertTrue(topHits >= 0.95 * 10 * originals.size(), "recall@10 of the reused walks " + topHits);
  }

  @Test
  void aWriteBetweenTheInsertAndTheSearchMeansAFreshWalk() {
    int dims = 32;
    ClusteredVectors data = new ClusteredVectors(19, dims, 50, 0.9);
    HnswIndex hnsw = new HnswIndex(dims, GRAPH_ALWAYS);
    for (int i = 0; i < 2_000; i++) hnsw.upsert(image(i, "t"), data.next());
    float[] v = data.next();
    hnsw.upsert(image(5_000, "t"), v, true);
    SearchFilter others = SearchFilter.tenant("t").excluding("img-5000");
    String nearest = topK(hnsw, v, 1, others).get(0).imageId();
    assertEquals(1, hnsw.reusedBeams());
    assertTrue(hnsw.remove(nearest));
    List<ScoredImage> after = topK(hnsw, v, 10, others);
    assertEquals(1, hnsw.reusedBeams(), "the kept walk is stale after the remove");
    assertFalse(ids(after).contains(nearest));
    assertEquals(10, after.size());
    hnsw.upsert(image(5_001, "t"), data.next(), false); // a restore's insert keeps nothing
    topK(hnsw, v, 10, others);
    assertEquals(1, hnsw.reusedBeams());
  }

  // ---------------------------------------------------------------- helpers

  private static double recallAtTen(ClusteredVectors data, VectorIndex approx, VectorIndex exact, int queries) {
    int hits = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = data.next();
      Set<String> truth = ids(topK(exact, query, 10));
      for (ScoredImage hit : topK(approx, query, 10)) if (truth.contains(hit.imageId())) hits++;
    }
    return hits / (10.0 * queries);
  }

  private static void add(int i, String tenant, float[] v, VectorIndex... indexes) {
    for (VectorIndex index : indexes) index.upsert(image(i, tenant), v);
  }

  private static IndexedImage image(int i, String tenant) {
    return new IndexedImage("img-" + i, tenant, i, 1, "hash-" + i, List.of(), Map.of());
  }

  private static List<ScoredImage> topK(VectorIndex index, float[] query, int k) {
    return topK(index, query, k, SearchFilter.tenant("t"));
  }

  private static List<ScoredImage> topK(VectorIndex index, float[] query, int k, SearchFilter filter) {
    TopKCollector top = new TopKCollector(k, -1f);
    index.search(query, filter, KnnRequest.topK(k), top);
    return top.results();
  }

  private static List<ScoredImage> above(VectorIndex index, float[] query, float threshold) {
    return above(index, query, threshold, SearchFilter.tenant("t"));
  }

  private static List<ScoredImage> above(VectorIndex index, float[] query, float threshold, SearchFilter filter) {
    List<ScoredImage> hits = new ArrayList<>();
    index.search(query, filter, new KnnRequest(10, threshold), (image, score) -> {
      if (score >= threshold) hits.add(new ScoredImage(image, score));
    });
    return hits;
  }

  private static Set<String> ids(List<ScoredImage> hits) {
    Set<String> ids = new HashSet<>();
    for (ScoredImage hit : hits) ids.add(hit.imageId());
    return ids;
  }

  private static List<Float> boxed(float[] v) {
    List<Float> out = new ArrayList<>();
    for (float x : v) out.add(x);
    return out;
  }
}
