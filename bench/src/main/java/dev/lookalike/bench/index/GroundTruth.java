package dev.lookalike.bench.index;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.lucene.util.VectorUtil;

/**
 * Exact top-k by dot product, brute force. Queries are taken in blocks so each base vector is
 * read from memory once per block rather than once per query (the scan is memory-bound
 * otherwise); Lucene's VectorUtil gives SIMD dot products when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}. Ties are broken by the lower id.
 */
final class GroundTruth {

  private static final int BLOCK = 32;

  final int[][] ids;
  final float[][] scores;

  private GroundTruth(int[][] ids, float[][] scores) {
    this.ids = ids;
    this.scores = scores;
  }

  static GroundTruth compute(float[][] base, float[][] queries, int k, int threads) {
    int[][] ids = new int[queries.length][];
    float[][] scores = new float[queries.length][];
    int blocks = (queries.length + BLOCK - 1) / BLOCK;
    AtomicInteger done = new AtomicInteger();
    long start = System.nanoTime();
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      pool.submit(() -> IntStream.range(0, blocks).parallel().forEach(b -> {
        int from = b * BLOCK, to = Math.min(queries.length, from + BLOCK);
        TopK[] tops = new TopK[to - from];
        for (int q = from; q < to; q++) tops[q - from] = new TopK(k);
        for (int i = 0; i < base.length; i++) {
          float[] v = base[i];
          for (int q = from; q < to; q++) tops[q - from].offer(i, VectorUtil.dotProduct(queries[q], v));
        }
        for (int q = from; q < to; q++) {
          TopK top = tops[q - from].finish();
          ids[q] = top.ids;
          scores[q] = top.scores;
        }
        int n = done.addAndGet(to - from);
        double s = (System.nanoTime() - start) / 1e9;
        System.err.printf("  ground truth: %d/%d queries, %.0f s, about %.0f s left%n", n, queries.length, s,
            s / n * (queries.length - n));
      })).join();
    } finally {
      pool.shutdown();
    }
    return new GroundTruth(ids, scores);
  }

  /** A bounded min-heap on (score, then higher id is worse). */
  private static final class TopK {
    private final int[] ids;
    private final float[] scores;
    private int size;

    TopK(int k) {
      ids = new int[k];
      scores = new float[k];
    }

    void offer(int id, float score) {
      if (size < ids.length) {
        ids[size] = id;
        scores[size] = score;
        up(size++);
      } else if (score > scores[0]) { // ids arrive ascending: an equal score never beats the kept one
        ids[0] = id;
        scores[0] = score;
        down(0);
      }
    }

    private boolean worse(int a, int b) {
      return scores[a] < scores[b] || (scores[a] == scores[b] && ids[a] > ids[b]);
    }

    private void up(int i) {
      while (i > 0 && worse(i, (i - 1) / 2)) {
        swap(i, (i - 1) / 2);
        i = (i - 1) / 2;
      }
    }

    private void down(int i) {
      while (true) {
        int l = 2 * i + 1, r = l + 1, w = i;
        if (l < size && worse(l, w)) w = l;
        if (r < size && worse(r, w)) w = r;
        if (w == i) return;
        swap(i, w);
        i = w;
      }
    }

    private void swap(int a, int b) {
      int id = ids[a];
      ids[a] = ids[b];
      ids[b] = id;
      float s = scores[a];
      scores[a] = scores[b];
      scores[b] = s;
    }

    /** Sorts best first in place (heap sort: the worst goes to the back each round); the heap is spent. */
    TopK finish() {
      for (int end = size - 1; end > 0; end--) {
        swap(0, end);
        size--;
        down(0);
      }
      size = 0;
      return this;
    }
  }
}
