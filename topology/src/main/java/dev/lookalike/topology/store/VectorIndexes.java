package dev.lookalike.topology.store;

import dev.lookalike.config.VectorConfig;
import dev.lookalike.topology.store.hnsw.HnswIndex;
import dev.lookalike.topology.store.hnsw.HnswParams;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigException;

/** Builds the index a named vector's configuration asks for. */
public final class VectorIndexes {

  private VectorIndexes() {}

  /** @param dims vector length, or 0 when only the first vector will tell */
  public static Supplier<VectorIndex> forConfig(VectorConfig v, int dims) {
    if (v.index().equals("exact")) return () -> new ExactScanIndex(dims);
    HnswParams params = hnswParams(v);
    return () -> new HnswIndex(dims, params);
  }

  static HnswParams hnswParams(VectorConfig v) {
    try {
      return new HnswParams(v.indexM(), v.indexEfConstruction(), v.indexEfSearch(), v.indexEfDuplicates(), v.indexExactBelow(),
          v.indexFloatsOffHeap());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("vector." + v.name() + ".index.*: " + e.getMessage());
    }
  }
}
