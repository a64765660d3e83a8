package dev.lookalike.bench.index;

import dev.lookalike.topology.store.ExactScanIndex;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.KnnRequest;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.TopKCollector;
import dev.lookalike.topology.store.VectorIndex;
import dev.lookalike.topology.store.hnsw.HnswIndex;
import dev.lookalike.topology.store.hnsw.HnswParams;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Our own index through the {@link VectorIndex} interface the vector store uses, so the numbers
 * include what the store pays per image (an {@link IndexedImage} with its id string).
 * {@code lookalike} is {@link HnswIndex} (int8 graph, float rescoring) with the run's M and
 * efConstruction and the graph used at every size ({@code exactBelow} 0: the product default scans
 * tenants under 10,000 vectors exactly, which would make the small real set an exact scan);
 * {@code lookalike-offheap} is the same graph with its float vectors (read only to rescore) in
 * memory-mapped files: what the heap then holds per vector;
 * {@code lookalike-exact} is {@link ExactScanIndex}, the reference for what exact costs.
 */
final class LookalikeEngine implements AnnEngine {

  private static final String TENANT = "bench";
  private static final SearchFilter FILTER = SearchFilter.tenant(TENANT);

  private final boolean exact;
  private final boolean offHeap;
  private final HnswParams params;
  private VectorIndex index;

  LookalikeEngine(int dims, int m, int efConstruction, boolean exact, boolean offHeap) {
    this.exact = exact;
    this.offHeap = offHeap;
    this.params = new HnswParams(m, efConstruction, HnswParams.DEFAULTS.efSearch(), HnswParams.DEFAULTS.efDuplicates(), 0, offHeap);
    this.index = exact ? new ExactScanIndex(dims) : new HnswIndex(dims, params);
  }

  @Override
  public String name() {
    return exact ? "lookalike-exact (ExactScanIndex)" : offHeap ? "lookalike-offheap (HnswIndex, floats mapped)" : "lookalike (HnswIndex)";
  }

  @Override
  public String buildNote() {
    return "1 thread (VectorIndex.upsert)";
  }

  @Override
  public void add(int id, float[] vector) {
    index.upsert(image(Integer.toString(id)), vector);
  }

  @Override
  public int[] search(float[] query, int k, int ef) {
    TopKCollector top = new TopKCollector(k, -1f);
    if (index instanceof HnswIndex hnsw) {
      hnsw.search(query, FILTER, KnnRequest.topK(k), top, ef);
    } else {
      index.search(query, FILTER, KnnRequest.topK(k), top);
    }
    List<ScoredImage> hits = top.results();
    int[] ids = new int[hits.size()];
    for (int i = 0; i < ids.length; i++) ids[i] = Integer.parseInt(hits.get(i).imageId());
    return ids;
  }

  @Override
  public boolean usesEf() {
    return !exact;
  }

  @Override
  public String memoryNote() {
    return index instanceof HnswIndex hnsw && index.size() > 0
        ? String.format(" (HnswIndex.structureBytes(): %.0f B/vector, recordBytes() for ids, times, versions and floors: %.0f B/vector)",
            (double) hnsw.structureBytes() / index.size(), (double) hnsw.recordBytes() / index.size()) : "";
  }

  /** The store's snapshot path: freezeSnapshot and write it to a file, readSnapshot into a new index, which is then searched. */
  @Override
  public Restore restore(Path dir) throws IOException {
    if (!index.canSnapshot()) return null;
    Files.createDirectories(dir);
    Path file = dir.resolve("index.snapshot");
    long t0 = System.nanoTime();
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
      index.freezeSnapshot().write(out);
    }
    long t1 = System.nanoTime();
    HnswIndex loaded = new HnswIndex(index.dimensions(), params);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      loaded.readSnapshot(in, LookalikeEngine::image); // the store looks images up in its entries
    }
    long t2 = System.nanoTime();
    index = loaded; // the old one becomes garbage before the heap is measured
    return new Restore((t1 - t0) / 1e9, (t2 - t1) / 1e9, Files.size(file), "freezeSnapshot + write / readSnapshot");
  }

  private static IndexedImage image(String id) {
    return new IndexedImage(id, TENANT, Long.parseLong(id), 1, "", List.of(), Map.of());
  }
}
