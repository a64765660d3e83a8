package dev.lookalike.topology.store;

/**
 * The plain-Java kernels, and the reference for the {@link VectorKernels vector} ones: both run
 * the same float operations in the same order, so they return bit-identical scores (see
 * {@link VectorMath} for the order and why it matters).
 *
 * <p>Public only so that the benchmarks can call each implementation directly; production code
 * calls {@link VectorMath}, which picks one.
 */
public final class ScalarKernels {

  private ScalarKernels() {}

  /**
   * Dot product of {@code n} floats of {@code a} from {@code aOffset} and of {@code b} from
   * {@code bOffset}, in the canonical order of {@link VectorMath}: 32 lane accumulators
   * ({@code c[k]} takes element {@code 32j + k}), then blocks of 8 into {@code c[0..7]}, then
   * {@code l[k] = (c[k] + c[k+8]) + (c[k+16] + c[k+24])}, then the last {@code n % 8} elements
   * into {@code l[0..]}, then {@link #reduce}. Multiply and add are separate (no fused
   * multiply-add): every product is rounded to float before it is added.
   */
  public static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
    if (n <= 0) return 0f;
    checkRange(a.length, aOffset, n);
    checkRange(b.length, bOffset, n);
    float c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
    float c8 = 0, c9 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0;
    float c16 = 0, c17 = 0, c18 = 0, c19 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    float c24 = 0, c25 = 0, c26 = 0, c27 = 0, c28 = 0, c29 = 0, c30 = 0, c31 = 0;
    int i = 0;
    for (; i + 32 <= n; i += 32) {
      int p = aOffset + i, q = bOffset + i;
      c0 += a[p] * b[q];
      c1 += a[p + 1] * b[q + 1];
      c2 += a[p + 2] * b[q + 2];
      c3 += a[p + 3] * b[q + 3];
      c4 += a[p + 4] * b[q + 4];
      c5 += a[p + 5] * b[q + 5];
      c6 += a[p + 6] * b[q + 6];
      c7 += a[p + 7] * b[q + 7];
      c8 += a[p + 8] * b[q + 8];
      c9 += a[p + 9] * b[q + 9];
      c10 += a[p + 10] * b[q + 10];
      c11 += a[p + 11] * b[q + 11];
      c12 += a[p + 12] * b[q + 12];
      c13 += a[p + 13] * b[q + 13];
      c14 += a[p + 14] * b[q + 14];
      c15 += a[p + 15] * b[q + 15];
      c16 += a[p + 16] * b[q + 16];
      c17 += a[p + 17] * b[q + 17];
      c18 += a[p + 18] * b[q + 18];
      c19 += a[p + 19] * b[q + 19];
      c20 += a[p + 20] * b[q + 20];
      c21 += a[p + 21] * b[q + 21];
      c22 += a[p + 22] * b[q + 22];
      c23 += a[p + 23] * b[q + 23];
      c24 += a[p + 24] * b[q + 24];
      c25 += a[p + 25] * b[q + 25];
      c26 += a[p + 26] * b[q + 26];
      c27 += a[p + 27] * b[q + 27];
      c28 += a[p + 28] * b[q + 28];
      c29 += a[p + 29] * b[q + 29];
      c30 += a[p + 30] * b[q + 30];
      c31 += a[p + 31] * b[q + 31];
    }
    for (; i + 8 <= n; i += 8) {
      int p = aOffset + i, q = bOffset + i;
      c0 += a[p] * b[q];
      c1 += a[p + 1] * b[q + 1];
      c2 += a[p + 2] * b[q + 2];
      c3 += a[p + 3] * b[q + 3];
      c4 += a[p + 4] * b[q + 4];
      c5 += a[p + 5] * b[q + 5];
      c6 += a[p + 6] * b[q + 6];
      c7 += a[p + 7] * b[q + 7];
    }
    float l0 = (c0 + c8) + (c16 + c24);
    float l1 = (c1 + c9) + (c17 + c25);
    float l2 = (c2 + c10) + (c18 + c26);
    float l3 = (c3 + c11) + (c19 + c27);
    float l4 = (c4 + c12) + (c20 + c28);
    float l5 = (c5 + c13) + (c21 + c29);
    float l6 = (c6 + c14) + (c22 + c30);
    float l7 = (c7 + c15) + (c23 + c31);
    return tail(l0, l1, l2, l3, l4, l5, l6, l7, a, aOffset + i, b, bOffset + i, n - i);
  }

  /**
   * The end both float implementations share: adds the last {@code r < 8} products (from
   * {@code a[p..]} and {@code b[q..]}) into lanes {@code l0..} in order, then {@link #reduce}s.
   */
  static float tail(float l0, float l1, float l2, float l3, float l4, float l5, float l6, float l7,
      float[] a, int p, float[] b, int q, int r) {
    if (r > 0) l0 += a[p] * b[q];
    if (r > 1) l1 += a[p + 1] * b[q + 1];
    if (r > 2) l2 += a[p + 2] * b[q + 2];
    if (r > 3) l3 += a[p + 3] * b[q + 3];
    if (r > 4) l4 += a[p + 4] * b[q + 4];
    if (r > 5) l5 += a[p + 5] * b[q + 5];
    if (r > 6) l6 += a[p + 6] * b[q + 6];
    return reduce(l0, l1, l2, l3, l4, l5, l6, l7);
  }

  /** The fixed lane reduction: a balanced tree, {@code ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7))}. */
  static float reduce(float l0, float l1, float l2, float l3, float l4, float l5, float l6, float l7) {
    return ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7));
  }

  /**
   * Dot product of {@code n} signed int8 codes. Exact: integer addition is associative, so any
   * order gives the same {@code int} (it could only overflow past ~133,000 dimensions of ±127
   * codes, and then it wraps the same way in every implementation).
   */
  public static int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int n) {
    if (n <= 0) return 0;
    checkRange(a.length, aOffset, n);
    checkRange(b.length, bOffset, n);
    int sum = 0;
    for (int i = 0; i < n; i++) sum += a[aOffset + i] * b[bOffset + i];
    return sum;
  }

  /** Throws like an array access would if {@code [offset, offset + n)} is not inside the array. */
  static void checkRange(int length, int offset, int n) {
    if (offset < 0 || offset > length - n) {
      throw new ArrayIndexOutOfBoundsException(
          "range [" + offset + ", " + offset + " + " + n + ") out of bounds for length " + length);
    }
  }
}
