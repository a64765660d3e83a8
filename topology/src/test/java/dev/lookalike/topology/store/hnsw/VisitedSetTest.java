package dev.lookalike.topology.store.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Byte generations wrap every 255 searches: a node seen long ago must not look seen now. */
class VisitedSetTest {

  @Test
  void everySearchSeesEachNodeOnceAcrossGenerationWrapsAndGrowth() {
    VisitedSet visited = new VisitedSet();
    for (int search = 0; search < 1_000; search++) {
      int nodes = 10 + search; // grows now and then
      visited.begin(nodes);
      for (int node = search % 7; node < nodes; node += 3) {
        assertThat(visited.visit(node)).as("search %d node %d first", search, node).isTrue();
        assertThat(visited.visit(node)).as("search %d node %d again", search, node).isFalse();
      }
    }
  }
}
