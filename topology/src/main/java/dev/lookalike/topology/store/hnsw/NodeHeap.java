package dev.lookalike.topology.store.hnsw;

import java.util.Arrays;

/**
 * A binary min-heap of (score, node) pairs packed into longs, so the hot loop of a graph search
 * allocates nothing. The score's bits are made sortable as a signed int in the high half; ties
 * order by node. A max-heap is the same heap over negated scores.
 */
final class NodeHeap {

  private long[] heap = new long[64];
  private int size;
  private final boolean maxFirst;

  private NodeHeap(boolean maxFirst) {
    this.maxFirst = maxFirst;
  }

  /** Pops the lowest score first. */
  static NodeHeap minFirst() {
    return new NodeHeap(false);
  }

  /** Pops the highest score first. */
  static NodeHeap maxFirst() {
    return new NodeHeap(true);
  }

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void push(float score, int node) {
    if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
    long key = encode(maxFirst ? -score : score, node);
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= key) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = key;
  }

  float topScore() {
    float s = decodeScore(heap[0]);
    return maxFirst ? -s : s;
  }

  int topNode() {
    return (int) heap[0];
  }

  /** Removes the top; read it first with topScore/topNode. */
  void pop() {
    long last = heap[--size];
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      if (child + 1 < size && heap[child + 1] < heap[child]) child++;
      if (last <= heap[child]) break;
      heap[i] = heap[child];
      i = child;
    }
    if (size > 0) heap[i] = last;
  }

  /** Node at position i, in no particular order. */
  int nodeAt(int i) {
    return (int) heap[i];
  }

  float scoreAt(int i) {
    float s = decodeScore(heap[i]);
    return maxFirst ? -s : s;
  }

  private static long encode(float score, int node) {
    int bits = Float.floatToIntBits(score + 0.0f); // +0.0f folds -0.0 into 0.0
    bits ^= (bits >> 31) & 0x7fffffff; // negative floats: reverse their order, as ints
    return ((long) bits << 32) | (node & 0xffffffffL);
  }

  private static float decodeScore(long key) {
    int bits = (int) (key >> 32);
    bits ^= (bits >> 31) & 0x7fffffff;
    return Float.intBitsToFloat(bits);
  }
}
