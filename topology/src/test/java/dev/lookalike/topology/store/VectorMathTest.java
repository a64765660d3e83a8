package dev.lookalike.topology.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernels behind every score. The float kernel must give bit-identical scores whichever
 * implementation runs and whichever argument comes first (instances of a cluster may differ in CPU
 * and JVM flags); the int8 kernel must be exact.
 *
 * <p>The build runs tests with {@code --add-modules jdk.incubator.vector}; the first test checks it
 * did, so that "scalar equals vector" never compares the scalar kernels with themselves.
 */
class VectorMathTest {

  private static final int MAX_DIMS = 1100;

  @Test
  void theVectorKernelsAreTheOnesInUse() {
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector"))
        .as("the test JVM must run with --add-modules jdk.incubator.vector (surefire argLine)").isPresent();
    if (VectorKernels.nativeWidthAtLeast256()) {
      assertThat(VectorMath.implementation()).as(VectorMath.describe()).isEqualTo(VectorMath.Implementation.VECTOR);
    } else {
      // A CPU without 256-bit vectors keeps to the scalar kernels; the tests below still call VectorKernels directly.
      assertThat(VectorMath.implementation()).as(VectorMath.describe()).isEqualTo(VectorMath.Implementation.SCALAR);
    }
  }

  @Test
  void scalarAndVectorFloatKernelsAgreeBitForBitOnEveryLength() {
    SplittableRandom random = new SplittableRandom(20261121L);
    int pairs = 0;
    for (int round = 0; round < 4; round++) {
      for (int n = 0; n <= MAX_DIMS; n++) {
        Pair p = Pair.random(random, n, round);
        assertSameEverywhere(p);
        pairs++;
      }
    }
    assertThat(pairs).isGreaterThan(4000);
  }

  @Test
  void scalarAndVectorFloatKernelsAgreeOnEmbeddingSizedUnitVectors() {
    SplittableRandom random = new SplittableRandom(7L);
    for (int dims : new int[] {160, 512, 768, 1024}) {
      for (int i = 0; i < 500; i++) {
        float[] a = VectorMath.normalize(gaussian(random, dims));
        // A near duplicate: the case where the last bits decide a threshold.
        float[] b = a.clone();
        for (int k = 0; k < dims; k++) b[k] += (float) (random.nextDouble(-1, 1) * 1e-3);
        b = VectorMath.normalize(b);
        assertSameEverywhere(new Pair(a, 0, b, 0, dims));
        assertSameEverywhere(new Pair(a, 0, VectorMath.normalize(gaussian(random, dims)), 0, dims));
      }
    }
  }

  @Test
  void awkwardValuesStillAgree() {
    SplittableRandom random = new SplittableRandom(11L);
    float[] specials = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, -1e-30f, 1e20f, -1e20f, 3.4e38f, 1f, -1f};
    for (int i = 0; i < 2000; i++) {
      int n = random.nextInt(MAX_DIMS + 1);
      float[] a = new float[n];
      float[] b = new float[n];
      for (int k = 0; k < n; k++) {
        a[k] = random.nextInt(4) == 0 ? specials[random.nextInt(specials.length)] : (float) random.nextGaussian();
        b[k] = random.nextInt(4) == 0 ? specials[random.nextInt(specials.length)] : (float) random.nextGaussian() * 1e-20f;
      }
      assertSameEverywhere(new Pair(a, 0, b, 0, n));
    }
  }

  @Test
  void theScoreIsTheDotProduct() {
    SplittableRandom random = new SplittableRandom(3L);
    for (int n = 0; n <= MAX_DIMS; n += 7) {
      float[] a = VectorMath.normalize(gaussian(random, n));
      float[] b = VectorMath.normalize(gaussian(random, n));
      double exact = 0;
      for (int k = 0; k < n; k++) exact += (double) a[k] * b[k];
      assertThat((double) VectorMath.dot(a, b)).isCloseTo(exact, within(1e-5));
    }
    float[] unit = VectorMath.normalize(gaussian(random, 512));
    assertThat(VectorMath.dot(unit, unit)).isCloseTo(1f, within(1e-5f));
  }

  @Test
  void theOlderOverloadsReadTheSameRanges() {
    SplittableRandom random = new SplittableRandom(5L);
    int dims = 160;
    float[] query = gaussian(random, dims);
    float[] stored = gaussian(random, dims * 10);
    for (int slot = 0; slot < 10; slot++) {
      float[] one = java.util.Arrays.copyOfRange(stored, slot * dims, (slot + 1) * dims);
      float expected = VectorMath.dot(query, 0, stored, slot * dims, dims);
      assertThat(Float.floatToRawIntBits(VectorMath.dot(query, stored, slot * dims, dims))).isEqualTo(Float.floatToRawIntBits(expected));
      assertThat(Float.floatToRawIntBits(VectorMath.dot(query, one))).isEqualTo(Float.floatToRawIntBits(expected));
      assertThat(Float.floatToRawIntBits(VectorMath.dot(one, query))).isEqualTo(Float.floatToRawIntBits(expected));
    }
  }

  @Test
  void int8KernelsAreExact() {
    SplittableRandom random = new SplittableRandom(42L);
    for (int round = 0; round < 3; round++) {
      for (int n = 0; n <= MAX_DIMS; n++) {
        int aOffset = random.nextInt(5);
        int bOffset = random.nextInt(5);
        byte[] a = new byte[aOffset + n + random.nextInt(3)];
        byte[] b = new byte[bOffset + n + random.nextInt(3)];
        for (int k = 0; k < a.length; k++) a[k] = code(random, round);
        for (int k = 0; k < b.length; k++) b[k] = code(random, round);
        assertInt8Exact(a, aOffset, b, bOffset, n);
      }
    }
  }

  @Test
  void int8ExtremesDoNotOverflow() {
    for (int n : new int[] {1, 15, 16, 17, 31, 32, 33, 160, 511, 512, 513, 768, 1024, 4096, 100_000}) {
      byte[] plus = filled(n, (byte) 127);
      byte[] minus = filled(n, (byte) -127);
      assertInt8Exact(plus, 0, plus, 0, n);
      assertInt8Exact(minus, 0, minus, 0, n);
      assertInt8Exact(plus, 0, minus, 0, n);
      assertThat(VectorMath.dotInt8(plus, 0, plus, 0, n)).isEqualTo(16129 * n);
      assertThat(VectorMath.dotInt8(minus, 0, minus, 0, n)).isEqualTo(16129 * n);
      assertThat(VectorMath.dotInt8(plus, 0, minus, 0, n)).isEqualTo(-16129 * n);
      // -128 is not a code, but the kernels stay exact for it too (-128 * -128 fits a short).
      byte[] min = filled(n, Byte.MIN_VALUE);
      assertInt8Exact(min, 0, min, 0, n);
      assertThat(VectorMath.dotInt8(min, 0, min, 0, n)).isEqualTo(16384 * n);
    }
  }

  @Test
  void rangesAreChecked() {
    float[] f = new float[10];
    byte[] b = new byte[10];
    assertThat(VectorMath.dot(f, 0, f, 0, 0)).isZero();
    assertThat(VectorMath.dot(f, 99, f, -1, 0)).isZero();
    assertThat(VectorMath.dot(f, f, 0, -3)).isZero();
    assertThat(VectorMath.dotInt8(b, 0, b, 0, 0)).isZero();
    assertThatThrownBy(() -> VectorMath.dot(f, 0, f, 1, 10)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
    assertThatThrownBy(() -> VectorMath.dot(f, -1, f, 0, 5)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
    assertThatThrownBy(() -> VectorMath.dot(new float[5], f, 0, 10)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
    assertThatThrownBy(() -> VectorMath.dot(f, new float[9])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VectorMath.dotInt8(b, 3, b, 0, 8)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
    for (boolean vector : new boolean[] {false, true}) {
      assertThatThrownBy(() -> floatKernel(vector, f, 0, f, 2, 9)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
      assertThatThrownBy(() -> int8Kernel(vector, b, 0, b, Integer.MAX_VALUE, 9)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
    }
  }

  /**
   * Another JVM, as another instance of the cluster might run: once without the Vector API module
   * (the scalar kernels must load without it) and once with it but {@code -Dlookalike.simd=false}.
   * Both must print the scores this JVM computes, bit for bit.
   */
  @Test
  void otherJvmsWithOtherFlagsGiveTheSameScores() throws Exception {
    String expected = DeterminismProbe.fingerprint();
    assertThat(runProbe(List.of())).containsExactly("implementation=SCALAR", "fingerprint=" + expected);
    assertThat(runProbe(List.of("--add-modules", "jdk.incubator.vector", "-Dlookalike.simd=false")))
        .containsExactly("implementation=SCALAR", "fingerprint=" + expected);
    assertThat(DeterminismProbe.fingerprint(true)).isEqualTo(expected);
    assertThat(DeterminismProbe.fingerprint(false)).isEqualTo(expected);
  }

  private static List<String> runProbe(List<String> flags) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(flags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), DeterminismProbe.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    // stderr (the incubator warning, logging) is drained and ignored; only the probe's stdout lines count.
    Thread.ofVirtual().start(() -> {
      try {
        process.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException ignored) {
        // the exit code tells
      }
    });
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out.lines().filter(l -> l.startsWith("implementation=") || l.startsWith("fingerprint=")).toList();
  }

  private static void assertSameEverywhere(Pair p) {
    float scalar = ScalarKernels.dot(p.a, p.aOffset, p.b, p.bOffset, p.n);
    float vector = VectorKernels.dot(p.a, p.aOffset, p.b, p.bOffset, p.n);
    int bits = Float.floatToRawIntBits(scalar);
    String what = "n=" + p.n + " offsets=" + p.aOffset + "," + p.bOffset;
    assertThat(Float.floatToRawIntBits(vector)).as("vector vs scalar, " + what).isEqualTo(bits);
    assertThat(Float.floatToRawIntBits(VectorMath.dot(p.a, p.aOffset, p.b, p.bOffset, p.n))).as("VectorMath, " + what).isEqualTo(bits);
    assertThat(Float.floatToRawIntBits(ScalarKernels.dot(p.b, p.bOffset, p.a, p.aOffset, p.n))).as("scalar, swapped, " + what).isEqualTo(bits);
    assertThat(Float.floatToRawIntBits(VectorKernels.dot(p.b, p.bOffset, p.a, p.aOffset, p.n))).as("vector, swapped, " + what).isEqualTo(bits);
    if (p.aOffset == 0) {
      assertThat(Float.floatToRawIntBits(VectorMath.dot(p.a, p.b, p.bOffset, p.n))).as("4-argument dot, " + what).isEqualTo(bits);
    }
  }

  private static void assertInt8Exact(byte[] a, int aOffset, byte[] b, int bOffset, int n) {
    int expected = 0;
    for (int k = 0; k < n; k++) expected += a[aOffset + k] * b[bOffset + k];
    String what = "n=" + n + " offsets=" + aOffset + "," + bOffset;
    assertThat(ScalarKernels.dotInt8(a, aOffset, b, bOffset, n)).as("scalar, " + what).isEqualTo(expected);
    assertThat(VectorKernels.dotInt8(a, aOffset, b, bOffset, n)).as("vector, " + what).isEqualTo(expected);
    // Both vector shapes, whichever this CPU would pick.
    assertThat(VectorKernels.dotInt8x16(a, aOffset, b, bOffset, n)).as("vector x16, " + what).isEqualTo(expected);
    assertThat(VectorKernels.dotInt8x32(a, aOffset, b, bOffset, n)).as("vector x32, " + what).isEqualTo(expected);
    assertThat(VectorMath.dotInt8(a, aOffset, b, bOffset, n)).as("VectorMath, " + what).isEqualTo(expected);
    assertThat(VectorMath.dotInt8(b, bOffset, a, aOffset, n)).as("VectorMath, swapped, " + what).isEqualTo(expected);
  }

  private static float floatKernel(boolean vector, float[] a, int aOffset, float[] b, int bOffset, int n) {
    return vector ? VectorKernels.dot(a, aOffset, b, bOffset, n) : ScalarKernels.dot(a, aOffset, b, bOffset, n);
  }

  private static int int8Kernel(boolean vector, byte[] a, int aOffset, byte[] b, int bOffset, int n) {
    return vector ? VectorKernels.dotInt8(a, aOffset, b, bOffset, n) : ScalarKernels.dotInt8(a, aOffset, b, bOffset, n);
  }

  /** Round 0: codes anywhere in [-127, 127]; round 1: mostly the extremes; round 2: small codes. */
  private static byte code(SplittableRandom random, int round) {
    return switch (round) {
      case 0 -> (byte) random.nextInt(-127, 128);
      case 1 -> random.nextInt(4) == 0 ? (byte) random.nextInt(-127, 128) : (random.nextBoolean() ? (byte) 127 : (byte) -127);
      default -> (byte) random.nextInt(-8, 9);
    };
  }

  private static byte[] filled(int n, byte value) {
    byte[] out = new byte[n];
    java.util.Arrays.fill(out, value);
    return out;
  }

  static float[] gaussian(SplittableRandom random, int n) {
    float[] v = new float[n];
    for (int k = 0; k < n; k++) v[k] = (float) random.nextGaussian();
    return v;
  }

  /** Two ranges of {@code n} floats inside larger arrays, so offsets are exercised. */
  private record Pair(float[] a, int aOffset, float[] b, int bOffset, int n) {
    static Pair random(SplittableRandom random, int n, int round) {
      int aOffset = random.nextInt(9);
      int bOffset = random.nextInt(9);
      float[] a = gaussian(random, aOffset + n + random.nextInt(3));
      float[] b = gaussian(random, bOffset + n + random.nextInt(3));
      if (round == 1) {
        // Normalized halves: typical scores, in the [-1, 1] range thresholds care about.
        a = VectorMath.normalize(a);
        b = VectorMath.normalize(b);
      } else if (round == 2) {
        // Mixed magnitudes, so rounding differences would show.
        for (int k = 0; k < a.length; k++) a[k] *= (float) Math.pow(10, random.nextInt(-6, 7));
      }
      return new Pair(a, aOffset, b, bOffset, n);
    }
  }
}
