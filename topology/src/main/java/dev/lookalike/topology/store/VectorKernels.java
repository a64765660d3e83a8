package dev.lookalike.topology.store;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernels, on the incubating Vector API ({@code jdk.incubator.vector}). This is the only
 * class that names that module: {@link VectorMath} loads it only when the module is in the boot
 * layer (the JVM ran with {@code --add-modules jdk.incubator.vector}), so without the flag nothing
 * here is ever resolved and there is no {@code NoClassDefFoundError}.
 *
 * <p>Public only so that the benchmarks can call each implementation directly; production code
 * calls {@link VectorMath}, which picks one. Calling these methods without the module fails.
 */
public final class VectorKernels {

  /**
   * Always 8 float lanes, never the preferred species: the lane count is part of the summation
   * order, and scores must not depend on the CPU (an AVX-512 machine would otherwise sum in 16
   * lanes, a NEON machine in 4, and they would disagree in the last bits).
   */
  private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

  // int8: the result is an exact int, so the shape is free to follow the hardware.
  private static final boolean WIDE_INT8 = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

  private VectorKernels() {}

  /**
   * Whether the CPU runs 256-bit float vectors natively (AVX2, AVX-512). Where it does not (e.g.
   * 128-bit NEON or SSE only), the Vector API would emulate {@code SPECIES_256} in plain Java,
   * far slower than the scalar loop; {@link VectorMath} then keeps to {@link ScalarKernels},
   * which gives the same scores.
   */
  static boolean nativeWidthAtLeast256() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  /** The int8 vector width in bits this CPU gets: 512 on AVX-512, else 256. */
  public static int int8VectorBits() {
    return WIDE_INT8 ? 512 : 256;
  }

  /**
   * {@link ScalarKernels#dot(float[], int, float[], int, int)}, bit for bit: four 8-lane
   * accumulators are the 32 lane accumulators {@code c[8v + lane]}; blocks of 8 go to the first;
   * {@code (c0 + c1) + (c2 + c3)} lanewise is {@code (c[k] + c[k+8]) + (c[k+16] + c[k+24])}; the
   * lanes are then read out one by one and the shared tail and reduction finish. Separate
   * {@code mul} and {@code add} (no {@code fma}), and no {@code reduceLanes(ADD)}, whose order for
   * floats is unspecified.
   */
  public static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
    if (n <= 0) return 0f;
    ScalarKernels.checkRange(a.length, aOffset, n);
    ScalarKernels.checkRange(b.length, bOffset, n);
    FloatVector c0 = FloatVector.zero(F8), c1 = c0, c2 = c0, c3 = c0;
    int i = 0;
    for (; i + 32 <= n; i += 32) {
      int p = aOffset + i, q = bOffset + i;
      c0 = c0.add(FloatVector.fromArray(F8, a, p).mul(FloatVector.fromArray(F8, b, q)));
      c1 = c1.add(FloatVector.fromArray(F8, a, p + 8).mul(FloatVector.fromArray(F8, b, q + 8)));
      c2 = c2.add(FloatVector.fromArray(F8, a, p + 16).mul(FloatVector.fromArray(F8, b, q + 16)));
      c3 = c3.add(FloatVector.fromArray(F8, a, p + 24).mul(FloatVector.fromArray(F8, b, q + 24)));
    }
    for (; i + 8 <= n; i += 8) {
      c0 = c0.add(FloatVector.fromArray(F8, a, aOffset + i).mul(FloatVector.fromArray(F8, b, bOffset + i)));
    }
    FloatVector l = c0.add(c1).add(c2.add(c3));
    return ScalarKernels.tail(l.lane(0), l.lane(1), l.lane(2), l.lane(3), l.lane(4), l.lane(5), l.lane(6), l.lane(7),
        a, aOffset + i, b, bOffset + i, n - i);
  }

  /**
   * Signed int8 dot product, equal to {@link ScalarKernels#dotInt8} (exact integer arithmetic).
   *
   * <p>Widening and bounds. Bytes are sign-extended to shorts ({@code castShape}, a lane-wise
   * {@code B2S} conversion) and multiplied there: a product of two codes in [-127, 127] lies in
   * [-16129, 16129] (even -128 * -128 = 16384), which fits a short exactly. Products must not be
   * <em>summed</em> in shorts: 3 * 16129 already exceeds 32767, and over 512 dimensions a lane of
   * a 16-lane accumulator would collect 32 products, up to 516,128. So each short product vector is
   * widened to ints (both halves, {@code castShape} parts 0 and 1) before it is added. An int lane
   * then overflows only past 2^31 / 16129 * lanes, i.e. millions of dimensions, and even then it
   * wraps exactly as the scalar {@code int} sum does (two's complement addition is associative).
   */
  public static int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int n) {
    if (n <= 0) return 0;
    ScalarKernels.checkRange(a.length, aOffset, n);
    ScalarKernels.checkRange(b.length, bOffset, n);
    return WIDE_INT8 ? dotInt8x32(a, aOffset, b, bOffset, n) : dotInt8x16(a, aOffset, b, bOffset, n);
  }

  /** 16 codes a step: 128-bit bytes, 256-bit shorts, two 256-bit int accumulators (AVX2). No up-front range check. */
  public static int dotInt8x16(byte[] a, int aOffset, byte[] b, int bOffset, int n) {
    IntVector acc0 = IntVector.zero(IntVector.SPECIES_256), acc1 = acc0;
    int i = 0;
    for (; i + 16 <= n; i += 16) {
      ShortVector x = (ShortVector) ByteVector.fromArray(ByteVector.SPECIES_128, a, aOffset + i)
          .castShape(ShortVector.SPECIES_256, 0);
      ShortVector y = (ShortVector) ByteVector.fromArray(ByteVector.SPECIES_128, b, bOffset + i)
          .castShape(ShortVector.SPECIES_256, 0);
      ShortVector products = x.mul(y);
      acc0 = acc0.add((IntVector) products.castShape(IntVector.SPECIES_256, 0));
      acc1 = acc1.add((IntVector) products.castShape(IntVector.SPECIES_256, 1));
    }
    int sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) sum += a[aOffset + i] * b[bOffset + i];
    return sum;
  }

  /** 32 codes a step: 256-bit bytes, 512-bit shorts, two 512-bit int accumulators (AVX-512). No up-front range check. */
  public static int dotInt8x32(byte[] a, int aOffset, byte[] b, int bOffset, int n) {
    IntVector acc0 = IntVector.zero(IntVector.SPECIES_512), acc1 = acc0;
    int i = 0;
    for (; i + 32 <= n; i += 32) {
      ShortVector x = (ShortVector) ByteVector.fromArray(ByteVector.SPECIES_256, a, aOffset + i)
          .castShape(ShortVector.SPECIES_512, 0);
      ShortVector y = (ShortVector) ByteVector.fromArray(ByteVector.SPECIES_256, b, bOffset + i)
          .castShape(ShortVector.SPECIES_512, 0);
      ShortVector products = x.mul(y);
      acc0 = acc0.add((IntVector) products.castShape(IntVector.SPECIES_512, 0));
      acc1 = acc1.add((IntVector) products.castShape(IntVector.SPECIES_512, 1));
    }
    int sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) sum += a[aOffset + i] * b[bOffset + i];
    return sum;
  }
}
