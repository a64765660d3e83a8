package dev.lookalike.topology.store.hnsw;

import java.util.Arrays;

/**
 * Marks visited nodes by generation, so starting a new search costs nothing (no clearing).
 * A byte per node, cleared once every 255 searches: every searching thread holds one of these
 * as large as the graph (1 MB at a million nodes; int marks took 4 MB per thread).
 */
final class VisitedSet {

  private byte[] marks = new byte[0];
  private byte generation;

  void begin(int nodes) {
    if (marks.length < nodes) marks = new byte[Math.max(nodes, marks.length * 2)];
    if (++generation == 0) {
      Arrays.fill(marks, (byte) 0);
      generation = 1;
    }
  }

  /** True the first time a node is seen in this search. */
  boolean visit(int node) {
    if (marks[node] == generation) return false;
    marks[node] = generation;
    return true;
  }
}
