package dev.lookalike.topology.store;

import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Scoring kernels. Vectors are L2-normalized, so the dot product is the cosine similarity.
 *
 * <h2>Implementations</h2>
 * Two implementations, picked once when this class initializes: {@link VectorKernels} (SIMD, the
 * incubating Vector API) when the module {@code jdk.incubator.vector} is in the boot layer (the JVM
 * ran with {@code --add-modules jdk.incubator.vector}) and the CPU runs 256-bit vectors natively;
 * else {@link ScalarKernels}. {@code -Dlookalike.simd=false} forces the scalar kernels.
 *
 * <h2>Determinism</h2>
 * The float kernel returns bit-identical scores for a pair whichever implementation runs, on every
 * machine, and whichever side is {@code a}: instances of one cluster may differ in CPU and flags,
 * and near-duplicate decisions compare these scores with a threshold. Float addition is not
 * associative, so both implementations follow one summation order (see
 * {@link ScalarKernels#dot(float[], int, float[], int, int)}): always 8 lanes (never the CPU's
 * preferred width), 32 lane accumulators, separate multiply and add (no fused multiply-add, whose
 * single rounding the scalar loop would not match), a fixed lane reduction (never
 * {@code reduceLanes(ADD)}, whose float order is unspecified) and the same tail. Each product
 * {@code a[i] * b[i]} is commutative, so swapping the arguments changes nothing. The int8 kernel is
 * exact integer arithmetic, so it is deterministic in any order.
 */
public final class VectorMath {

  /** The system property that forces the scalar kernels when set to {@code false}. */
  public static final String SIMD_PROPERTY = "lookalike.simd";

  /** Which kernels this JVM runs. */
  public enum Implementation { SCALAR, VECTOR }

  private static final String WHY;
  private static final boolean SIMD;

  static {
    String why;
    boolean simd = false;
    if ("false".equalsIgnoreCase(System.getProperty(SIMD_PROPERTY, "true").trim())) {
      why = "scalar: -D" + SIMD_PROPERTY + "=false";
    } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      why = "scalar: the JVM runs without --add-modules jdk.incubator.vector";
    } else {
      try {
        // First touch of VectorKernels: only here, with the module present.
        simd = VectorKernels.nativeWidthAtLeast256();
        why = simd ? "vector: jdk.incubator.vector, 8 float lanes, " + VectorKernels.int8VectorBits() + "-bit int8"
            : "scalar: this CPU has no native 256-bit vectors";
      } catch (LinkageError | RuntimeException e) {
        why = "scalar: the Vector API failed to load (" + e + ")";
      }
    }
    SIMD = simd;
    WHY = why;
    // Class init runs inside whichever record first needs a kernel: this line is about the JVM, not that image.
    Map<String, String> context = MDC.getCopyOfContextMap();
    MDC.clear();
    LoggerFactory.getLogger(VectorMath.class).info("Dot-product kernels: {}", why);
    if (context != null) MDC.setContextMap(context);
  }

  private VectorMath() {}

  /** The kernels picked for this JVM. */
  public static Implementation implementation() {
    return SIMD ? Implementation.VECTOR : Implementation.SCALAR;
  }

  /** The kernels picked for this JVM and why, for logs and diagnostics. */
  public static String describe() {
    return WHY;
  }

  /**
   * Dot product of {@code a} with {@code n} floats of {@code b} starting at {@code offset}.
   * Returns 0 when {@code n <= 0}.
   */
  public static float dot(float[] a, float[] b, int offset, int n) {
    return dot(a, 0, b, offset, n);
  }

  /**
   * Dot product of {@code n} floats of {@code a} from {@code aOffset} with {@code n} floats of
   * {@code b} from {@code bOffset}. Returns 0 when {@code n <= 0}; throws
   * {@link ArrayIndexOutOfBoundsException} when a range is not inside its array.
   */
  public static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
    return SIMD ? VectorKernels.dot(a, aOffset, b, bOffset, n) : ScalarKernels.dot(a, aOffset, b, bOffset, n);
  }

  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    return dot(a, 0, b, 0, a.length);
  }

  /**
   * Exact dot product of {@code n} signed int8 codes (in [-127, 127]) of {@code a} from
   * {@code aOffset} and of {@code b} from {@code bOffset}. Returns 0 when {@code n <= 0}; throws
   * {@link ArrayIndexOutOfBoundsException} when a range is not inside its array.
   */
  public static int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int n) {
    return SIMD ? VectorKernels.dotInt8(a, aOffset, b, bOffset, n) : ScalarKernels.dotInt8(a, aOffset, b, bOffset, n);
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

  /** The floats of an Avro {@code array<float>} (events, store entries) as a plain array. */
  public static float[] toArray(List<Float> vector) {
    float[] out = new float[vector.size()];
    for (int i = 0; i < out.length; i++) out[i] = vector.get(i);
    return out;
  }
}
