package dev.lookalike.topology.store;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Keeps the k best hits (deterministic ties) at or above a minimum score. */
public final class TopKCollector implements KnnCollector {

  private final int k;
  private final float minScore;
  // Worst of the kept hits on top, so it is the one a better candidate evicts.
  private final PriorityQueue<ScoredImage> heap;

  public TopKCollector(int k, float minScore) {
    this.k = k;
    this.minScore = minScore;
    this.heap = new PriorityQueue<>(Math.max(1, k + 1), ScoredImage.BEST_FIRST.reversed());
  }

  @Override
  public void collect(IndexedImage image, float score) {
    if (k == 0 || score < minScore) return;
    ScoredImage hit = new ScoredImage(image, score);
    if (heap.size() < k) {
      heap.add(hit);
    } else if (ScoredImage.BEST_FIRST.compare(hit, heap.peek()) < 0) {
      heap.poll();
      heap.add(hit);
    }
  }

  @Override
  public float minCompetitiveScore() {
    if (k == 0) return Float.POSITIVE_INFINITY; // keeps nothing
    return heap.size() < k ? minScore : Math.max(minScore, heap.peek().score());
  }

  /** Best first. */
  public List<ScoredImage> results() {
    List<ScoredImage> out = new ArrayList<>(heap);
    out.sort(ScoredImage.BEST_FIRST);
    return out;
  }
}
