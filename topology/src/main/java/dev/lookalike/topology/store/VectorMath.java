package dev.lookalike.topology.store;

/** Scoring kernels. Vectors are L2-normalized, so the dot product is the cosine similarity. */
public final class VectorMath {

  private VectorMath() {}

  /** Dot product of {@code a} with {@code n} floats of {@code b} starting at {@code offset}. */
  public static float dot(float[] a, float[] b, int offset, int n) {
    // Four independent accumulators let the CPU overlap the multiply-adds; summation order is
    // fixed, so the same pair always gets the same score, whichever side asks.
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

  public static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[aOffset + i] * b[bOffset + i];
      s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
      s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
      s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
    }
    for (; i < n; i++) s0 += a[aOffset + i] * b[bOffset + i];
    return (s0 + s1) + (s2 + s3);
  }

  public static int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) s += a[aOffset + i] * b[bOffset + i];
    return s;
  }

  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    return dot(a, b, 0, a.length);
  }

  /** Returns a unit-length copy (a zero vector stays zero). */
  public static float[] normalize(float[] v) {
    double sum = 0;
    for (float x : v) sum += (double) x * x;
    float[] out = v.clone();
    if (sum == 0) return out;
    float inv = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < out.length; i++) out[i] *= inv;
    return out;
  }
}
