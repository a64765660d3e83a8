package dev.lookalike.bench.index;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One index under test, as the benchmark drives it: add every base vector in one thread, then
 * search one query at a time. Ids are the rows of the base file (0..n-1). Vectors are unit length
 * and similarity is the dot product. The Python engines (hnswlib, FAISS) follow the same steps in
 * {@code bench/index_bench.py}.
 */
interface AnnEngine extends AutoCloseable {

  /** Name in the report, e.g. {@code lucene-hnsw-int8}. */
  String name();

  /** Said next to the build rate, e.g. whether inserts ran in one thread. */
  String buildNote();

  void add(int id, float[] vector) throws IOException;

  /** Anything still needed before searching (Lucene: merge to one segment); timed as build. */
  default void finishBuild() throws IOException {}

  /** Ids of the (at most) k best matches, best first; ef is the search beam (candidate list size). */
  int[] search(float[] query, int k, int ef) throws IOException;

  /** False for an exact index: it is measured once, not at each ef. */
  default boolean usesEf() {
    return true;
  }

  /**
   * Heap the index holds, in bytes, if the engine can compute it from its structures; -1 lets the
   * benchmark measure it (heap used after GC, minus the same before the index was made).
   */
  default long heapBytes() {
    return -1;
  }

  /** Anything the engine says about its own memory, appended to the measured figure's note. */
  default String memoryNote() {
    return "";
  }

  /** Bytes the index keeps outside the Java heap that searches touch (Lucene: memory-mapped files). */
  default long offHeapBytes() throws IOException {
    return 0;
  }

  /**
   * Saves the built index under {@code dir} and loads it back, ready to search, timing each step;
   * null when the engine has no such path (yet).
   */
  default Restore restore(Path dir) throws IOException {
    return null;
  }

  record Restore(double saveSeconds, double loadSeconds, long bytesOnDisk, String note) {}

  @Override
  default void close() throws IOException {}
}
