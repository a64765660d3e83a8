package dev.lookalike.bench.kernels;

/**
 * The float kernel as it was before the Vector API kernels (issue 5), kept verbatim as the
 * benchmarks' baseline: four scalar accumulators, a different summation order from today's.
 */
public final class OldDot {

  private OldDot() {}

  public static float dot(float[] a, float[] b, int offset, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[i] * b[offset + i];
      s1 += a[i + 1] * b[offset + i + 1];
      s2 += a[i + 2] * b[offset + i + 2];
      s3 += a[i + 3] * b[offset + i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[offset + i];
    return (s0 + s1) + (s2 + s3);
  }
}
