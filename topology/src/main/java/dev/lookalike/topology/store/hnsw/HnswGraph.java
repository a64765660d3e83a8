package dev.lookalike.topology.store.hnsw;

import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.KnnCollector;
import dev.lookalike.topology.store.KnnRequest;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.VectorMath;
import dev.lookalike.topology.store.hnsw.ImageRecords.IdKey;
import it.unimi.dsi.fastutil.ints.Int2ObjectMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.function.Function;

/**
 * One tenant's hierarchical navigable small-world graph (Malkov & Yashunin) over int8 codes.
 * Nodes are dense slots; a deleted node stays as a tombstone that searches walk through but never
 * return, until the owner compacts the graph. Links and codes live in fixed-size chunks, so
 * growing never copies what is stored, except the first chunk while it grows to its full size
 * ({@link Chunking}).
 *
 * <p>One writer at a time; searches may run concurrently with each other (each thread has its
 * own scratch), the owning store's lock keeps them apart from writes.
 */
final class HnswGraph implements AutoCloseable {

  /** Quantized scores may be off by this much; a threshold search widens within it. */
  static final float QUANTIZATION_MARGIN = 0.02f;
  private static final int MAX_LEVEL = 15;
  /**
   * Beam of the search of layer 1, whose results all seed the bottom layer's search. hnswlib
   * descends every upper layer greedily (a beam of one); on clustered data that walk often ends
   * in the wrong cluster, and an insert that does links only there, unreachable from its own
   * cluster (see HnswGraphNavigationTest). Layer 1 holds one node in m, but searching it 32
   * wide is not free: inserts at 1M got about a quarter slower (1,880 -> 1,424/s before
   * {@link #prefetch}). The cost is that walk, not the 32 seeds: seeding the bottom search with
   * only the best 1 or 4 of them left the bottom's work and the insert time as they were. At 1M
   * clustered 512-d vectors the beam cut the planted pairs a search missed from 11 to 1 of 3,000.
   */
  static final int UPPER_BEAM = 32;
  /** Nodes per block of codes and links in snapshot files (a multiple of every chunk size). */
  static final int FILE_BLOCK = 4096;

  private final int dims;
  private final String tenant;
  private final int m;
  private final int m0;
  private final int efConstruction;
  private final double levelFactor;
  private final FloatVectors floats;
  // Codes, bottom-layer links and scales in chunks of 2^shift nodes (see Chunking).
  private final int shift;
  private final int mask;
  private int chunks;
  private int capacity; // nodes the chunks hold: chunks << shift once the first chunk is whole
  private byte[][] codes = new byte[0][];
  private int[][] bottomLinks = new int[0][];
  private float[][] scales = new float[0][];
  // Only about one node in m has upper layers: a map, not a reference per node.
  private final Int2ObjectOpenHashMap<int[]> upperLinks = new Int2ObjectOpenHashMap<>();
  // Ids, times, versions and floors by slot, and the id-to-slot table: no object per image.
  private final ImageRecords records;
  private final BitSet deleted = new BitSet();
  private int size;
  private int deletedCount;
  private int entry = -1;
  private int topLevel = -1;
  private final ThreadLocal<Scratch> scratch;
  // Writer-only buffers: the links chosen for a new node; a full list and its newcomer, best first.
  private final int[] chosen;
  private final int[] backNodes;
  private final float[] backScores;
  // The bottom-layer beam of the last add that asked for it, for the search of the same vector
  // that follows (the match stage's): valid while no other write has happened since.
  private long writes;
  private long beamAtWrite = -1;
  private float[] beamVector;
  private int beamWidth;
  private int beamSize;
  private int[] beamNodes = new int[0];
  private float[] beamScores = new float[0];
  private long reusedBeams;

  HnswGraph(String tenant, int dims, HnswParams params) {
    this(tenant, dims, params, Chunking.shiftFor(Math.max(dims, (2 * params.m() + 1) * Integer.BYTES)));
  }

  /** @param shift log2 of the nodes per chunk (tests vary it; the file layout must not change) */
  HnswGraph(String tenant, int dims, HnswParams params, int shift) {
    this.tenant = tenant;
    this.dims = dims;
    this.m = params.m();
    this.m0 = 2 * params.m();
    this.efConstruction = params.efConstruction();
    this.levelFactor = 1 / Math.log(m);
    this.shift = shift;
    this.mask = (1 << shift) - 1;
    this.records = new ImageRecords(shift);
    this.floats = FloatVectors.create(dims, params.offHeapFloats());
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(dims, m0));
    this.chosen = new int[m0 + 1];
    this.backNodes = new int[m0 + 1];
    this.backScores = new float[m0 + 1];
  }

  String tenant() {
    return tenant;
  }

  int live() {
    return size - deletedCount;
  }

  int deletedCount() {
    return deletedCount;
  }

  /** The image's live slot here, or -1. */
  int slotOf(IdKey id) {
    return records.slotOf(id);
  }

  IndexedImage image(int slot) {
    return records.image(slot, tenant);
  }

  /** The bottom-layer links of a node (tests and diagnostics). */
  int[] links(int node) {
    int[] links = linkArray(node, 0);
    int offset = linkOffset(node, 0);
    return Arrays.copyOfRange(links, offset + 1, offset + 1 + links[offset]);
  }

  float[] vector(int slot) {
    return floats.get(slot);
  }

  float admissionFloor(int slot) {
    return records.floor(slot);
  }

  void admissionFloor(int slot, float floor) {
    records.floor(slot, floor);
  }

  // ---------------------------------------------------------------- writes

  /** Adds an image whose id is not live in this graph. */
  void add(IndexedImage image, float[] vector) {
    add(image, IdKey.of(image.imageId()), vector, 0);
  }

  /**
   * As above; a positive {@code keepBeam} walks the bottom layer with at least that beam and
   * keeps the result for a search of the same vector that comes next ({@link #search}). The
   * walk an insert makes to find its links is the walk that search would make: the upload's
   * duplicate search then costs a rescore, not a second walk.
   */
  void add(IndexedImage image, IdKey id, float[] vector, int keepBeam) {
    writes++;
    int node = size;
    ensureCapacity(node + 1);
    size++;
    scales[node >>> shift][node & mask] = Int8Codes.quantize(vector, codes[node >>> shift], (node & mask) * dims);
    floats.set(node, vector);
    records.add(node, image, id.utf8());
    int level = levelOf(image.imageId());
    if (level > 0) upperLinks.put(node, new int[level * (m + 1)]);
    if (entry < 0) {
      entry = node;
      topLevel = level;
      return;
    }
    link(node, level, keepBeam);
    if (keepBeam > 0) {
      beamVector = vector.clone(); // the caller may reuse its array
      beamAtWrite = writes;
    }
    if (level > topLevel) {
      entry = node;
      topLevel = level;
    }
  }

  boolean remove(IdKey id) {
    int slot = records.remove(id);
    if (slot < 0) return false;
    writes++;
    deleted.set(slot);
    deletedCount++;
    return true;
  }

  /** A graph of the live nodes only: tombstones cost search time and memory. */
  HnswGraph compacted(HnswParams params) {
    HnswGraph fresh = new HnswGraph(tenant, dims, params);
    for (int node = 0; node < size; node++) {
      if (!deleted.get(node)) fresh.add(records.image(node, tenant), floats.get(node));
    }
    return fresh;
  }

  private void link(int node, int level, int keepBeam) {
    Scratch s = scratch.get();
    byte[] q = codes[node >>> shift];
    int qo = (node & mask) * dims;
    float qs = scale(node);
    int seeds = descend(q, qo, qs, level, true, s);
    for (int l = Math.min(level, topLevel); l >= 0; l--) {
      searchLayer(q, qo, qs, s.nodes, s.scores, seeds, l == 0 ? Math.max(efConstruction, keepBeam) : efConstruction, l, null, s);
      int found = s.drainBestFirst();
      if (l == 0 && keepBeam > 0) keepBeam(s, found, Math.max(efConstruction, keepBeam));
      if (found == 0) continue;
      seeds = 1; // the layer below starts from this layer's best (s.nodes[0]), as in hnswlib
      int maxLinks = l == 0 ? m0 : m;
      int count = selectDiverse(s.nodes, s.scores, found, maxLinks, chosen);
      int[] links = linkArray(node, l);
      int offset = linkOffset(node, l);
      links[offset] = count;
      System.arraycopy(chosen, 0, links, offset + 1, count);
      for (int i = 0; i < count; i++) addBackLink(links[offset + 1 + i], node, l);
    }
  }

  private void keepBeam(Scratch s, int found, int width) {
    if (beamNodes.length < found) {
      beamNodes = new int[found];
      beamScores = new float[found];
    }
    System.arraycopy(s.nodes, 0, beamNodes, 0, found);
    System.arraycopy(s.scores, 0, beamScores, 0, found);
    beamSize = found;
    beamWidth = width;
  }

  /**
   * Links {@code from} to {@code to}. A full list, with the newcomer, drops its worst member that
   * is not diverse (closer to a better member than to {@code from}: it adds no direction), and
   * only when every member is diverse its worst one (Lucene's "worst non-diverse" rule). Long
   * links that bridge clusters are diverse and survive; dropping the plain worst member, as this
   * did before, cut them as clusters filled (pair recall 0.986 at 1M clustered vectors).
   * Checking from the worst member up stops at the first non-diverse one, usually after a few
   * scores, instead of re-running the heuristic over the whole list.
   */
  private void addBackLink(int from, int to, int level) {
    int[] links = linkArray(from, level);
    int offset = linkOffset(from, level);
    int count = links[offset];
    int maxLinks = level == 0 ? m0 : m;
    if (count < maxLinks) {
      links[offset + 1 + count] = to;
      links[offset] = count + 1;
      return;
    }
    byte[] q = codes[from >>> shift];
    int qo = (from & mask) * dims;
    float qs = scale(from);
    int n = 0;
    for (int i = 0; i < count; i++) n = insertBestFirst(backNodes, backScores, n, links[offset + 1 + i], approx(q, qo, qs, links[offset + 1 + i]));
    n = insertBestFirst(backNodes, backScores, n, to, approx(q, qo, qs, to));
    int evicted = worstNonDiverse(backNodes, backScores, n);
    if (backNodes[evicted] == to) return;
    for (int i = 0, out = 0; i < n; i++) {
      if (i != evicted) links[offset + 1 + out++] = backNodes[i];
    }
  }

  /** Inserts (node, score) into the first n entries, kept best first; returns the new length. */
  private static int insertBestFirst(int[] nodes, float[] scores, int n, int node, float score) {
    int i = n;
    while (i > 0 && scores[i - 1] < score) {
      nodes[i] = nodes[i - 1];
      scores[i] = scores[i - 1];
      i--;
    }
    nodes[i] = node;
    scores[i] = score;
    return n + 1;
  }

  /** Index of the worst candidate closer to a better candidate than to the node; else the worst. */
  private int worstNonDiverse(int[] nodes, float[] scores, int n) {
    for (int i = n - 1; i > 0; i--) {
      byte[] c = codes[nodes[i] >>> shift];
      int co = (nodes[i] & mask) * dims;
      float cs = scale(nodes[i]);
      for (int j = 0; j < i; j++) {
        if (approx(c, co, cs, nodes[j]) > scores[i]) return i;
      }
    }
    return n - 1;
  }

  /**
   * HNSW's neighbour heuristic: take candidates best first, skipping one that is closer to an
   * already chosen neighbour than to the node itself. Links then spread in all directions,
   * which keeps clustered data navigable.
   */
  private int selectDiverse(int[] nodes, float[] scores, int n, int max, int[] out) {
    int count = 0;
    for (int i = 0; i < n && count < max; i++) {
      int candidate = nodes[i];
      byte[] c = codes[candidate >>> shift];
      int co = (candidate & mask) * dims;
      boolean diverse = true;
      for (int j = 0; j < count && diverse; j++) {
        diverse = approx(c, co, scale(candidate), out[j]) <= scores[i];
      }
      if (diverse) out[count++] = candidate;
    }
    return count;
  }

  // ---------------------------------------------------------------- searches

  /**
   * Offers the approximate best {@code max(efSearch, k)} images with exact scores, widening the
   * search while its worst candidate could still be above the request's exhaustive threshold.
   */
  void search(float[] query, SearchFilter filter, KnnRequest request, KnnCollector collector, int efSearch, int exactBelow) {
    int live = live();
    if (live == 0) return;
    if (live < exactBelow || filter.filtersByMetadata() || request.k() >= live / 2) {
      scan(query, filter, collector);
      return;
    }
    Scratch s = scratch.get();
    s.excluded = filter.excludeId() == null ? -1 : records.slotOf(IdKey.of(filter.excludeId()));
    float qs = Int8Codes.quantize(query, s.query, 0);
    int ef = Math.max(efSearch, request.k());
    while (true) {
      if (!reuseBeam(query, ef, filter, s)) {
        int seeds = descend(s.query, 0, qs, 0, request.exhaustiveAbove() < Float.POSITIVE_INFINITY, s);
        searchLayer(s.query, 0, qs, s.nodes, s.scores, seeds, ef, 0, filter, s);
      }
      boolean mayMissAbove = s.results.size() >= ef && s.results.topScore() >= request.exhaustiveAbove() - QUANTIZATION_MARGIN;
      if (!mayMissAbove) break;
      ef *= 4;
      if (ef >= live / 2) {
        scan(query, filter, collector);
        return;
      }
    }
    offerBestFirst(query, filter, collector, s);
  }

  /**
   * Rescores the beam exactly and offers it best first, stopping at the first candidate the
   * collector cannot use: building an image reads its record (a cache miss each), so a top-10
   * search builds about ten, not the whole beam; a collector that must see more (the match
   * stage's) is asked first whether it {@linkplain KnnCollector#wants wants} each one.
   */
  private void offerBestFirst(float[] query, SearchFilter filter, KnnCollector collector, Scratch s) {
    NodeHeap results = s.results;
    int n = results.size();
    long[] order = s.order(n);
    for (int i = 0; i < n; i++) {
      int node = results.nodeAt(i);
      order[i] = (long) ~sortable(floats.dot(query, node)) << 32 | node; // ascending order: best first
    }
    Arrays.sort(order, 0, n);
    for (int i = 0; i < n; i++) {
      float exact = unsortable(~(int) (order[i] >> 32));
      if (exact < filter.minScore() || exact < collector.minCompetitiveScore()) return;
      int node = (int) order[i];
      if (collector.wants(exact, records.floor(node))) collector.collect(records.image(node, tenant), exact);
    }
  }

  /** Float bits as an int that orders like the float (an involution, see {@link #unsortable}). */
  private static int sortable(float score) {
    int bits = Float.floatToIntBits(score);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  private static float unsortable(int key) {
    return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
  }

  /**
   * Fills {@code s.results} from the last add's kept beam when this query is that add's vector
   * and nothing was written since; the beam holds what a search would find before the newcomer
   * itself, which a search excludes anyway (the asking image).
   */
  private boolean reuseBeam(float[] query, int ef, SearchFilter filter, Scratch s) {
    if (beamAtWrite != writes || ef > beamWidth || !Arrays.equals(query, beamVector)) return false;
    NodeHeap results = s.results;
    results.clear();
    for (int i = 0; i < beamSize; i++) {
      int node = beamNodes[i];
      if (!accepts(node, filter, s)) continue;
      results.push(beamScores[i], node);
      if (results.size() > ef) results.pop();
    }
    reusedBeams++;
    return true;
  }

  /** How many searches used an add's kept beam instead of walking (for tests; concurrent readers may undercount). */
  long reusedBeams() {
    return reusedBeams;
  }

  /** Exact: every live image of the graph that passes the filter. */
  void scan(float[] query, SearchFilter filter, KnnCollector collector) {
    for (int node = 0; node < size; node++) {
      if (deleted.get(node)) continue;
      float exact = floats.dot(query, node);
      if (exact < filter.minScore() || exact < collector.minCompetitiveScore() || !collector.wants(exact, records.floor(node))) continue;
      IndexedImage image = records.image(node, tenant);
      if (filter.accepts(image)) collector.collect(image, exact);
    }
  }

  /**
   * Descends from the entry point to the layer just above {@code toLevel} and leaves the
   * starting points of that layer's search in s.nodes/s.scores; returns how many. Inserts and
   * searches that must find everything above a threshold (the match stage's) search layer 1 with
   * {@link #UPPER_BEAM} when they go below it; a plain top-k search descends greedily, like
   * hnswlib: at small beams the layer-1 beam would double its cost (100k benchmark, ef=10: 7.9k
   * QPS against 13.9k), and a top-k answer may be approximate.
   */
  private int descend(byte[] q, int qo, float qs, int toLevel, boolean wide, Scratch s) {
    int cur = entry;
    for (int l = topLevel; l > toLevel; l--) {
      if (l == 1 && wide) {
        searchLayer(q, qo, qs, cur, approx(q, qo, qs, cur), UPPER_BEAM, 1, null, s);
        int seeds = s.drainBestFirst();
        if (seeds > 0) return seeds; // else every node it reached is deleted: start where it started
        break;
      }
      cur = greedy(q, qo, qs, cur, l);
    }
    s.seed(cur, approx(q, qo, qs, cur));
    return 1;
  }

  private int greedy(byte[] q, int qo, float qs, int start, int level) {
    int cur = start;
    float curScore = approx(q, qo, qs, cur);
    boolean moved = true;
    while (moved) {
      moved = false;
      int[] links = linkArray(cur, level);
      int offset = linkOffset(cur, level);
      for (int i = 1, n = links[offset]; i <= n; i++) {
        int next = links[offset + i];
        float score = approx(q, qo, qs, next);
        if (score > curScore) {
          cur = next;
          curScore = score;
          moved = true;
        }
      }
    }
    return cur;
  }

  /**
   * Best-first beam search of one layer; leaves the best {@code ef} accepted nodes in
   * {@code s.results}. Tombstones and filtered-out nodes are walked through but not kept.
   */
  private void searchLayer(byte[] q, int qo, float qs, int start, float startScore, int ef, int level, SearchFilter filter, Scratch s) {
    s.seed(start, startScore);
    searchLayer(q, qo, qs, s.nodes, s.scores, 1, ef, level, filter, s);
  }

  private void searchLayer(byte[] q, int qo, float qs, int[] starts, float[] startScores, int nStarts, int ef, int level, SearchFilter filter, Scratch s) {
    NodeHeap candidates = s.candidates;
    NodeHeap results = s.results;
    candidates.clear();
    results.clear();
    s.visited.begin(size);
    for (int i = 0; i < nStarts; i++) {
      int start = starts[i];
      if (!s.visited.visit(start)) continue;
      candidates.push(startScores[i], start);
      if (accepts(start, filter, s)) {
        results.push(startScores[i], start);
        if (results.size() > ef) results.pop();
      }
    }
    while (!candidates.isEmpty()) {
      float score = candidates.topScore();
      int node = candidates.topNode();
      if (results.size() >= ef && score < results.topScore()) break;
      candidates.pop();
      int fresh = unvisitedLinks(node, level, s);
      prefetch(s.fresh, fresh, s);
      for (int i = 0; i < fresh; i++) {
        int next = s.fresh[i];
        float nextScore = approx(q, qo, qs, next);
        if (results.size() < ef || nextScore > results.topScore()) {
          candidates.push(nextScore, next);
          if (accepts(next, filter, s)) {
            results.push(nextScore, next);
            if (results.size() > ef) results.pop();
          }
        }
      }
    }
  }

  /** Puts the links of {@code node} not seen yet in this search into s.fresh; returns how many. */
  private int unvisitedLinks(int node, int level, Scratch s) {
    int[] links = linkArray(node, level);
    int offset = linkOffset(node, level);
    int fresh = 0;
    for (int i = 1, n = links[offset]; i <= n; i++) {
      int next = links[offset + i];
      if (s.visited.visit(next)) s.fresh[fresh++] = next;
    }
    return fresh;
  }

  /**
   * Reads a byte of every cache line of each node's code, and its scale, before any of them is
   * scored. Java has no prefetch instruction (hnswlib calls _mm_prefetch here); these loads do not
   * depend on each other, so the CPU has all their misses in flight at once, where scoring node by
   * node waits for one code after another. The graph is far larger than the caches, so the walk is
   * bound by those misses: 1M inserts went from 1,424 to 2,253/s, and queries got faster too (same
   * graph, same results; bench/results/index-synthetic-1m.md). The same loads in addBackLink made
   * inserts slower: the codes it scores were mostly just walked, so they are cached.
   */
  private void prefetch(int[] nodes, int count, Scratch s) {
    int sum = 0;
    for (int i = 0; i < count; i++) {
      int node = nodes[i];
      byte[] code = codes[node >>> shift];
      int start = (node & mask) * dims;
      for (int b = start; b < start + dims; b += 64) sum += code[b];
      sum += code[start + dims - 1];
      sum += Float.floatToRawIntBits(scales[node >>> shift][node & mask]);
    }
    s.prefetched += sum; // used, so the compiler keeps the loads
  }

  /** Graph searches never filter by metadata (those scan): only tombstones and the excluded image are out. */
  private boolean accepts(int node, SearchFilter filter, Scratch s) {
    return !deleted.get(node) && (filter == null || node != s.excluded);
  }

  private float approx(byte[] q, int qo, float qs, int node) {
    return VectorMath.dotInt8(q, qo, codes[node >>> shift], (node & mask) * dims, dims) * (qs * scale(node));
  }

  private float scale(int node) {
    return scales[node >>> shift][node & mask];
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * The graph as it is now, to be written on any thread while this one goes on (see {@link
   * FrozenGraph}): loading the file costs a read, not an insert per vector.
   */
  FrozenGraph freeze() {
    int used = Chunking.chunksFor(size, shift);
    FrozenGraph.LinkCopy links = FrozenGraph.LinkCopy.of(bottomLinks, (1 << shift) * (m0 + 1), (long) size * (m0 + 1));
    Int2ObjectOpenHashMap<int[]> upper = new Int2ObjectOpenHashMap<>(upperLinks.size());
    for (Int2ObjectMap.Entry<int[]> e : upperLinks.int2ObjectEntrySet()) upper.put(e.getIntKey(), e.getValue().clone());
    return new FrozenGraph(dims, m0, shift, size, entry, topLevel, (BitSet) deleted.clone(), Arrays.copyOf(codes, used),
        Arrays.copyOf(scales, used), links, upper, records.frozenIds(size), floats.frozen(size));
  }

  /** Reads a graph written by {@link FrozenGraph#write}; every link is checked, so a bad file fails here. */
  static HnswGraph read(DataInputStream in, SnapshotIO io, String tenant, int dims, HnswParams params, Function<String, IndexedImage> images)
      throws IOException {
    HnswGraph g = new HnswGraph(tenant, dims, params);
    int size = in.readInt();
    g.ensureCapacity(size);
    g.size = size;
    g.entry = in.readInt();
    g.topLevel = in.readInt();
    long[] deletedBits = new long[in.readInt()];
    for (int i = 0; i < deletedBits.length; i++) deletedBits[i] = in.readLong();
    g.deleted.or(BitSet.valueOf(deletedBits));
    g.deletedCount = g.deleted.cardinality();
    for (int chunk = 0; chunk < Chunking.chunksFor(size, g.shift); chunk++) io.readFloats(in, g.scales[chunk], 0, g.nodesIn(chunk));
    for (int start = 0; start < size; start += FILE_BLOCK) {
      int end = Math.min(size, start + FILE_BLOCK);
      for (int chunk = start >>> g.shift; chunk < Chunking.chunksFor(end, g.shift); chunk++) {
        in.readFully(g.codes[chunk], 0, g.nodesIn(chunk) * dims);
      }
      for (int chunk = start >>> g.shift; chunk < Chunking.chunksFor(end, g.shift); chunk++) {
        io.readInts(in, g.bottomLinks[chunk], 0, g.nodesIn(chunk) * (g.m0 + 1));
      }
    }
    float[] vector = new float[dims];
    for (int node = 0; node < size; node++) {
      int upper = in.readShort();
      if (upper > 0) {
        int[] links = new int[upper];
        io.readInts(in, links, 0, upper);
        g.upperLinks.put(node, links);
      }
      if (in.readBoolean()) {
        IndexedImage image = images.apply(in.readUTF());
        if (image == null) throw new IOException("snapshot graph names an image its entries do not hold");
        IdKey id = IdKey.of(image.imageId());
        if (g.records.slotOf(id) >= 0) throw new IOException("snapshot graph holds an image twice");
        g.records.add(node, image, id.utf8());
        io.readFloats(in, vector, 0, dims);
        g.floats.set(node, vector);
      } else if (!g.deleted.get(node)) {
        throw new IOException("snapshot graph: live flag and tombstones disagree");
      }
    }
    g.checkLinks();
    return g;
  }

  private void checkLinks() throws IOException {
    boolean valid = size == 0 ? entry == -1 : entry >= 0 && entry < size && topLevel == levelsOf(entry);
    for (int node = 0; node < size && valid; node++) {
      int levels = levelsOf(node);
      int[] upper = upperLinks.get(node);
      valid = upper == null || upper.length == levels * (m + 1);
      for (int level = 0; level <= levels && valid; level++) {
        int[] links = linkArray(node, level);
        int offset = linkOffset(node, level);
        int count = links[offset];
        valid = count >= 0 && count <= (level == 0 ? m0 : m);
        for (int i = 1; i <= count && valid; i++) {
          int target = links[offset + i];
          valid = target >= 0 && target < size && levelsOf(target) >= level;
        }
      }
    }
    if (!valid) throw new IOException("snapshot graph has links out of range");
  }

  // ---------------------------------------------------------------- layout

  private int levelsOf(int node) {
    int[] upper = upperLinks.get(node);
    return upper == null ? 0 : upper.length / (m + 1);
  }

  private int[] linkArray(int node, int level) {
    return level == 0 ? bottomLinks[node >>> shift] : upperLinks.get(node);
  }

  private int linkOffset(int node, int level) {
    return level == 0 ? (node & mask) * (m0 + 1) : (level - 1) * (m + 1);
  }

  private void ensureCapacity(int nodes) {
    if (nodes <= capacity) return;
    int whole = 1 << shift;
    if (capacity < whole) growFirstChunk(Chunking.firstChunkRoom(nodes, shift));
    int needed = Chunking.chunksFor(nodes, shift);
    if (needed > chunks) {
      codes = Chunking.withRoom(codes, needed);
      bottomLinks = Chunking.withRoom(bottomLinks, needed);
      scales = Chunking.withRoom(scales, needed);
      for (; chunks < needed; chunks++) {
        codes[chunks] = new byte[whole * dims];
        bottomLinks[chunks] = new int[whole * (m0 + 1)];
        scales[chunks] = new float[whole];
      }
      capacity = chunks << shift;
    }
    records.ensureCapacity(capacity);
  }

  /**
   * Gives the first chunk room for {@code room} nodes (see {@link Chunking}). A frozen graph
   * keeps the arrays it was given: they still hold every node it knows.
   */
  private void growFirstChunk(int room) {
    if (chunks == 0) {
      codes = new byte[1][];
      bottomLinks = new int[1][];
      scales = new float[1][];
      codes[0] = new byte[0];
      bottomLinks[0] = new int[0];
      scales[0] = new float[0];
      chunks = 1;
    }
    codes[0] = Arrays.copyOf(codes[0], room * dims);
    bottomLinks[0] = Arrays.copyOf(bottomLinks[0], room * (m0 + 1));
    scales[0] = Arrays.copyOf(scales[0], room);
    capacity = room;
  }

  /** Nodes in use in a chunk. */
  private int nodesIn(int chunk) {
    return Chunking.nodesIn(chunk, shift, size);
  }

  /**
   * The layer of a node comes from its id, not from a shared random stream: a graph rebuilt
   * from the changelog (in whatever order) gives every image the same layer as before.
   */
  private int levelOf(String imageId) {
    long h = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < imageId.length(); i++) h = (h ^ imageId.charAt(i)) * 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    double uniform = ((h >>> 11) + 1) * 0x1.0p-53; // in (0, 1]
    return Math.min(MAX_LEVEL, (int) (-Math.log(uniform) * levelFactor));
  }

  /** Heap taken by the image records (ids, times, versions, floors, the id table), for the benchmarks. */
  long recordBytes() {
    return records.heapBytes();
  }

  /** Heap taken by codes, links and scales (not metadata), for the benchmarks. */
  long structureBytes() {
    long bytes = (long) capacity * (dims + (long) (m0 + 1) * Integer.BYTES + Float.BYTES);
    // The map's key and value arrays (at most 3/4 full) and its arrays of links.
    bytes += (long) (upperLinks.size() * 4 / 3) * (Integer.BYTES + 4);
    for (int[] upper : upperLinks.values()) bytes += 16 + (long) upper.length * Integer.BYTES;
    return bytes + floats.heapBytes();
  }

  @Override
  public void close() {
    floats.close();
  }

  /** Per-thread buffers of a search. */
  private static final class Scratch {
    final byte[] query;
    final NodeHeap candidates = NodeHeap.maxFirst();
    final NodeHeap results = NodeHeap.minFirst();
    final VisitedSet visited = new VisitedSet();
    final int[] fresh; // one node's links not seen yet (see prefetch); the bottom layer's m0 are the most
    int prefetched;
    int excluded = -1; // the slot of the search's excluded image
    long[] order = new long[64];
    int[] nodes = new int[64];
    float[] scores = new float[64];

    Scratch(int dims, int maxLinks) {
      this.query = new byte[dims];
      this.fresh = new int[maxLinks];
    }

    long[] order(int n) {
      if (order.length < n) order = new long[n];
      return order;
    }

    void seed(int node, float score) {
      nodes[0] = node;
      scores[0] = score;
    }

    /** Moves the results into nodes/scores, best first; returns how many. */
    int drainBestFirst() {
      int n = results.size();
      if (nodes.length < n) {
        nodes = new int[n];
        scores = new float[n];
      }
      for (int i = n - 1; i >= 0; i--) {
        nodes[i] = results.topNode();
        scores[i] = results.topScore();
        results.pop();
      }
      return n;
    }
  }
}
