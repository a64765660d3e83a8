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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Approximate nearest-neighbour index: one HNSW graph over int8 codes per tenant (a search never
 * walks another tenant's nodes), candidates rescored with the float vectors. Small tenants are
 * scanned exactly; a request's exhaustive threshold widens the search until nothing above it
 * can be missed (see {@link HnswGraph#search}).
 *
 * <p>There is no index-wide map from id to tenant, which would cost ~16 B per image. An id is
 * looked for in the graph of the tenant the caller names, then in the graph where the last id
 * was found (the match stage reads and sets the floors of one tenant's images at a time), and
 * only then in every graph. An upload of a new id looks in its own tenant's graph only, when
 * the caller says the id is not stored. Asking every graph each time cost 1.6 ms per upload
 * and its floor updates with 10,000 small tenants (40 us now): more than the upload itself.
 */
public final class HnswIndex implements VectorIndex {

  private final HnswParams params;
  private int dims;
  private final Map<String, HnswGraph> graphs = new HashMap<>();
  private HnswGraph lastFound; // a hint: the graph of the last id found; never a graph this index dropped
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
    upsert(image, vector, searchFollows, true);
  }

  /** {@code stored} false: the id is in no graph but perhaps its own tenant's (checked anyway, it is one lookup). */
  @Override
  public void upsert(IndexedImage image, float[] vector, boolean searchFollows, boolean stored) {
    if (dims == 0) dims = vector.length;
    if (vector.length != dims) {
      throw new IllegalArgumentException("vector of " + vector.length + " dims in a " + dims + "-dim index");
    }
    IdKey id = IdKey.of(image.imageId()); // encoded once for the remove and the add
    if (stored) {
      remove(id, image.tenant());
    } else {
      HnswGraph own = graphs.get(image.tenant());
      if (own != null && own.slotOf(id) >= 0) remove(id, image.tenant());
    }
    HnswGraph graph = graphs.computeIfAbsent(image.tenant(), t -> new HnswGraph(t, dims, params));
    // A tenant below exactBelow is scanned, not searched: nothing to keep.
    boolean keep = searchFollows && graph.live() + 1 >= params.exactBelow();
    graph.add(image, id, vector, keep ? Math.max(params.efSearch(), params.efDuplicates()) : 0);
    lastFound = graph; // the match stage reads and sets floors of this tenant's images next
    size++;
  }

  @Override
  public boolean remove(String imageId) {
    return remove(IdKey.of(imageId), null);
  }

  @Override
  public boolean remove(String imageId, String tenant) {
    return remove(IdKey.of(imageId), tenant);
  }

  private boolean remove(IdKey id, String tenant) {
    Located at = locate(id, tenant);
    if (at == null) return false;
    HnswGraph graph = at.graph();
    graph.remove(id);
    size--;
    if (graph.live() == 0) {
      drop(graph);
      graphs.remove(graph.tenant());
    } else if (graph.deletedCount() >= Math.max(64, graph.live() / 3)) {
      // Rebuilding costs about as much as the inserts since the last one: amortized O(1) each.
      graphs.put(graph.tenant(), graph.compacted(params));
      drop(graph);
    }
    return true;
  }

  private void drop(HnswGraph graph) {
    if (lastFound == graph) lastFound = null;
    graph.close();
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

  private Located locate(String imageId) {
    return locate(IdKey.of(imageId), null);
  }

  /**
   * The graph and slot of a live image, or null: the named tenant's graph, the last graph an id
   * was found in, then each graph in turn.
   */
  private Located locate(IdKey id, String tenant) {
    HnswGraph named = tenant == null ? null : graphs.get(tenant);
    Located at = slotIn(named, id);
    if (at == null && lastFound != named) at = slotIn(lastFound, id);
    for (Iterator<HnswGraph> all = graphs.values().iterator(); at == null && all.hasNext(); ) {
      HnswGraph graph = all.next();
      if (graph != named && graph != lastFound) at = slotIn(graph, id);
    }
    if (at != null) lastFound = at.graph();
    return at;
  }

  private static Located slotIn(HnswGraph graph, IdKey id) {
    int slot = graph == null ? -1 : graph.slotOf(id);
    return slot < 0 ? null : new Located(graph, slot);
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
