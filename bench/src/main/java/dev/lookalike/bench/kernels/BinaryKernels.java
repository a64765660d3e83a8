package dev.lookalike.bench.kernels;

/**
 * The two kernels a binary-quantized index scores with, for the kernel benchmark's binary rows
 * (our index keeps int8 codes; these measure what one bit per dimension would cost per call). A
 * stored vector is one bit per dimension, packed into longs.
 */
final class BinaryKernels {

  private BinaryKernels() {}

  /** Differing bits of two codes (symmetric: the query is binary too). */
  static int hamming(long[] a, long[] b) {
    int differing = 0;
    for (int i = 0; i < a.length; i++) differing += Long.bitCount(a[i] ^ b[i]);
    return differing;
  }

  /**
   * Asymmetric: a 4-bit query (four bit planes, least significant first, each as long as the
   * stored code) against a 1-bit stored code, as Lucene's {@code SINGLE_BIT_QUERY_NIBBLE} scores:
   * the sum of the query's values where the stored bit is set.
   */
  static long queryNibble(long[] planes, long[] stored) {
    int words = stored.length;
    long sum = 0;
    for (int plane = 0; plane < 4; plane++) {
      int count = 0;
      for (int i = 0; i < words; i++) count += Long.bitCount(planes[plane * words + i] & stored[i]);
      sum += (long) count << plane;
    }
    return sum;
  }
}
