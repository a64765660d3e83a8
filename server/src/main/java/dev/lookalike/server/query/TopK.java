package dev.lookalike.server.query;

import dev.lookalike.topology.store.ScoredImage;
import java.util.ArrayList;
import java.util.List;

/** Merging partial top-k lists: the global top-k is the top-k of the union of the partials. */
final class TopK {

  private TopK() {}

  static List<ScoredImage> of(List<ScoredImage> hits, int k) {
    List<ScoredImage> sorted = new ArrayList<>(hits);
    sorted.sort(ScoredImage.BEST_FIRST);
    return sorted.size() <= k ? sorted : List.copyOf(sorted.subList(0, k));
  }
}
