package dev.lookalike.topology.store.hnsw;

/** Marks visited nodes by generation, so starting a new search costs nothing (no clearing). */
final class VisitedSet {

  private int[] marks = new int[0];
  private int generation;

  void begin(int nodes) {
    if (marks.length < nodes) marks = new int[Math.max(nodes, marks.length * 2)];
    if (++generation == 0) {
      java.util.Arrays.fill(marks, 0);
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
