package dev.lookalike.topology.store.hnsw;

import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.KnnCollector;
import dev.lookalike.topology.store.KnnRequest;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.VectorIndex;
import dev.lookalike.topology.store.hnsw.ImageRecords.IdKey;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Approximate nearest-neighbour index: one HNSW graph over int8 codes per tenant (a search never
 * walks another tenant's nodes), candidates rescored with the float vectors. Small tenants are
 * scanned exactly; a request's exhaustive threshold widens the search until nothing above it
 * can be missed (see {@link HnswGraph#search}).
 *
 * <p>An id is found by asking each tenant's graph in turn: there is no index-wide map from id to
 * tenant, which would cost ~16 B per image for what is one lookup per graph with the usual
 * handful of tenants (each tenant's graph already costs megabytes).
 */
public final class HnswIndex implements VectorIndex {

  private final HnswParams params;
  private int dims;
  private final Map<String, HnswGraph> graphs = new HashMap<>();
  private int size;

  /** @param dims vector length, or 0 to take it from the first vector stored */
  public HnswIndex(int dims, HnswParams params) {
    this.dims = dims;
    this.params = params;
  }

  @Override
  public void upsert(IndexedImage image, float[] vector) {
    upsert(image, vector, false);
  }

  /**
   * When a search follows, the insert walks the bottom layer with the widest beam that search
   * may use and keeps it (see {@link HnswGraph#add}): one walk instead of two per upload.
   */
  @Override
  public void upsert(IndexedImage image, float[] vector, boolean searchFollows) {
    if (dims == 0) dims = vector.length;
    if (vector.length != dims) {
      throw new IllegalArgumentException("vector of " + vector.length + " dims in a " + dims + "-dim index");
    }
    IdKey id = IdKey.of(image.imageId()); // encoded once for the remove and the add
    remove(id);
    HnswGraph graph = graphs.computeIfAbsent(image.tenant(), t -> new HnswGraph(t, dims, params));
    // A tenant below exactBelow is scanned, not searched: nothing to keep.
    boolean keep = searchFollows && graph.live() + 1 >= params.exactBelow();
    graph.add(image, id, vector, keep ? Math.max(params.efSearch(), params.efDuplicates()) : 0);
    size++;
  }

  @Override
  public boolean remove(String imageId) {
    return remove(IdKey.of(imageId));
  }

  private boolean remove(IdKey id) {
    for (Map.Entry<String, HnswGraph> e : graphs.entrySet()) {
      HnswGraph graph = e.getValue();
      if (!graph.remove(id)) continue;
      size--;
      if (graph.live() == 0) {
        graph.close();
        graphs.remove(e.getKey());
      } else if (graph.deletedCount() >= Math.max(64, graph.live() / 3)) {
        // Rebuilding costs about as much as the inserts since the last one: amortized O(1) each.
        e.setValue(graph.compacted(params));
        graph.close();
      }
      return true;
    }
    return false;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int dimensions() {
    return dims;
  }

  @Override
  public IndexedImage image(String imageId) {
    Located at = locate(imageId);
    return at == null ? null : at.graph().image(at.slot());
  }

  @Override
  public float[] vector(String imageId) {
    Located at = locate(imageId);
    return at == null ? null : at.graph().vector(at.slot());
  }

  @Override
  public float admissionFloor(String imageId) {
    Located at = locate(imageId);
    return at == null ? Float.NaN : at.graph().admissionFloor(at.slot());
  }

  @Override
  public void admissionFloor(String imageId, float floor) {
    Located at = locate(imageId);
    if (at != null) at.graph().admissionFloor(at.slot(), floor);
  }

  private record Located(HnswGraph graph, int slot) {}

  /** The graph and slot of a live image, or null: each tenant's graph is asked in turn. */
  private Located locate(String imageId) {
    IdKey id = IdKey.of(imageId);
    for (HnswGraph graph : graphs.values()) {
      int slot = graph.slotOf(id);
      if (slot >= 0) return new Located(graph, slot);
    }
    return null;
  }

  @Override
  public void search(float[] query, SearchFilter filter, KnnRequest request, KnnCollector collector) {
    boolean exhaustive = request.exhaustiveAbove() != Float.POSITIVE_INFINITY;
    search(query, filter, request, collector, exhaustive ? Math.max(params.efSearch(), params.efDuplicates()) : params.efSearch());
  }

  /** A search with its own beam width (benchmarks sweep it). */
  public void search(float[] query, SearchFilter filter, KnnRequest request, KnnCollector collector, int efSearch) {
    HnswGraph graph = graphs.get(filter.tenant());
    if (graph != null) graph.search(query, filter, request, collector, efSearch, params.exactBelow());
  }

  @Override
  public boolean canSnapshot() {
    return true;
  }

  @Override
  public Frozen freezeSnapshot() {
    int frozenDims = dims;
    int m = params.m();
    Map<String, FrozenGraph> frozen = new LinkedHashMap<>();
    graphs.forEach((tenant, graph) -> frozen.put(tenant, graph.freeze()));
    return out -> {
      out.writeInt(frozenDims);
      out.writeInt(m);
      out.writeInt(frozen.size());
      SnapshotIO io = new SnapshotIO();
      for (Map.Entry<String, FrozenGraph> e : frozen.entrySet()) {
        out.writeUTF(e.getKey());
        e.getValue().write(out, io);
      }
    };
  }

  @Override
  public void readSnapshot(DataInputStream in, Function<String, IndexedImage> images) throws IOException {
    if (!graphs.isEmpty()) throw new IllegalStateException("snapshots load into an empty index");
    int savedDims = in.readInt();
    int savedM = in.readInt();
    if (dims == 0) dims = savedDims;
    if (savedDims != dims || savedM != params.m()) {
      throw new IOException("snapshot of a graph with dims=" + savedDims + " m=" + savedM + ", configured dims=" + dims + " m=" + params.m());
    }
    SnapshotIO io = new SnapshotIO();
    for (int i = in.readInt(); i > 0; i--) {
      String tenant = in.readUTF();
      HnswGraph graph = HnswGraph.read(in, io, tenant.intern(), dims, params, images);
      graphs.put(tenant, graph);
      size += graph.live();
    }
  }

  /** Searches that rescored an insert's kept walk instead of walking (tests, metrics). */
  public long reusedBeams() {
    long n = 0;
    for (HnswGraph g : graphs.values()) n += g.reusedBeams();
    return n;
  }

  /** Heap held by the images' records: ids, times, versions, floors and the id tables. */
  public long recordBytes() {
    long bytes = 0;
    for (HnswGraph g : graphs.values()) bytes += g.recordBytes();
    return bytes;
  }

  /** Heap held by codes, links and scales (not the metadata of images). */
  public long structureBytes() {
    long bytes = 0;
    for (HnswGraph g : graphs.values()) bytes += g.structureBytes();
    return bytes;
  }
}
