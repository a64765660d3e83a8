package dev.lookalike.topology.store.hnsw;

/**
 * Shape of the graph and of its searches.
 *
 * @param m links per node on the upper layers (twice that on the bottom layer)
 * @param efConstruction candidates considered when linking a new node
 * @param efSearch candidates kept by a search (at least k)
 * @param efDuplicates candidates kept by a search that must find every image above a threshold
 *     (the match stage's duplicate searches): a wider beam, because a lost pair is a lost event
 * @param exactBelow a tenant with fewer live vectors than this is scanned exactly: scans of a
 *     few thousand vectors are cheap, and exact answers there keep small deployments exact
 * @param offHeapFloats keep the float vectors (read only to rescore) in memory-mapped files
 */
public record HnswParams(int m, int efConstruction, int efSearch, int efDuplicates, int exactBelow, boolean offHeapFloats) {

  public static final HnswParams DEFAULTS = new HnswParams(16, 100, 64, 256, 10_000, false);

  public HnswParams {
    if (m < 2 || m > 128) throw new IllegalArgumentException("m must be in 2..128");
    if (efConstruction < m) throw new IllegalArgumentException("efConstruction must be >= m");
    if (efSearch < 1) throw new IllegalArgumentException("efSearch must be >= 1");
    if (efDuplicates < 1) throw new IllegalArgumentException("efDuplicates must be >= 1");
    if (exactBelow < 0) throw new IllegalArgumentException("exactBelow must be >= 0");
  }

  public HnswParams withEfSearch(int ef) {
    return new HnswParams(m, efConstruction, ef, efDuplicates, exactBelow, offHeapFloats);
  }

  public HnswParams withEfDuplicates(int ef) {
    return new HnswParams(m, efConstruction, efSearch, ef, exactBelow, offHeapFloats);
  }

  public HnswParams withExactBelow(int n) {
    return new HnswParams(m, efConstruction, efSearch, efDuplicates, n, offHeapFloats);
  }

  public HnswParams withOffHeapFloats(boolean offHeap) {
    return new HnswParams(m, efConstruction, efSearch, efDuplicates, exactBelow, offHeap);
  }
}
