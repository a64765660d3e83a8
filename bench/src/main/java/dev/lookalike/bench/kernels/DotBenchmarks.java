package dev.lookalike.bench.kernels;

import dev.lookalike.topology.store.ScalarKernels;
import dev.lookalike.topology.store.VectorKernels;
import dev.lookalike.topology.store.VectorMath;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One dot product of a query with one stored vector, both in L1 cache: the kernels' compute cost,
 * not a scan's memory traffic. Float: the old 4-accumulator loop (the baseline), today's scalar
 * kernel and the Vector API kernel. Int8: the scalar loop, the Vector API kernel in the shape this
 * CPU gets (512-bit on AVX-512, else 256-bit) and the 256-bit shape forced. Binary (one bit per
 * dimension, {@link BinaryKernels}): Hamming distance and a 4-bit query against 1-bit codes, to
 * weigh binary quantization against int8 per call. All forks run with
 * {@code --add-modules jdk.incubator.vector}. {@link KernelsReport} runs them and writes the table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class DotBenchmarks {

  @Param({"160", "512", "768"})
  public int dims;

  private float[] query;
  private float[] stored;
  private byte[] queryCodes;
  private byte[] storedCodes;
  private long[] queryBits;
  private long[] queryPlanes;
  private long[] storedBits;

  /** Keeps the pre-warm-up calls alive. */
  public long sink;

  @Setup
  public void setUp(BenchmarkParams params) {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      throw new IllegalStateException("run the benchmark JVM with --add-modules jdk.incubator.vector");
    }
    SplittableRandom random = new SplittableRandom(dims);
    query = unit(random, dims);
    stored = unit(random, dims);
    queryCodes = codes(random, dims);
    storedCodes = codes(random, dims);
    queryBits = bits(random, dims, 1);
    queryPlanes = bits(random, dims, 4);
    storedBits = bits(random, dims, 1);
    // Same scores from every float kernel but the baseline (another summation order).
    if (ScalarKernels.dot(query, 0, stored, 0, dims) != VectorKernels.dot(query, 0, stored, 0, dims)
        || ScalarKernels.dotInt8(queryCodes, 0, storedCodes, 0, dims) != VectorKernels.dotInt8(queryCodes, 0, storedCodes, 0, dims)) {
      throw new IllegalStateException("scalar and vector kernels disagree");
    }
    // Until C2 has compiled it, Vector API code is very slow (the Java fallback allocates per operation: up to
    // milliseconds a call), and C2 needs ~15,000 calls. On a busy machine those do not fit in JMH's timed warm-up
    // and leak into the measurement, so the benchmark's own kernel first runs a fixed number of times.
    String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    for (int i = 0; i < 20_000; i++) sink += call(method);
  }

  private long call(String method) {
    return switch (method) {
      case "floatBaseline" -> Float.floatToRawIntBits(floatBaseline());
      case "floatScalar" -> Float.floatToRawIntBits(floatScalar());
      case "floatVector" -> Float.floatToRawIntBits(floatVector());
      case "int8Scalar" -> int8Scalar();
      case "int8Vector" -> int8Vector();
      case "int8Vector256" -> int8Vector256();
      case "binaryHamming" -> binaryHamming();
      case "binaryQueryNibble" -> binaryQueryNibble();
      default -> throw new IllegalArgumentException(method);
    };
  }

  @Benchmark
  public float floatBaseline() {
    return OldDot.dot(query, stored, 0, dims);
  }

  @Benchmark
  public float floatScalar() {
    return ScalarKernels.dot(query, 0, stored, 0, dims);
  }

  @Benchmark
  public float floatVector() {
    return VectorKernels.dot(query, 0, stored, 0, dims);
  }

  @Benchmark
  public int int8Scalar() {
    return ScalarKernels.dotInt8(queryCodes, 0, storedCodes, 0, dims);
  }

  @Benchmark
  public int int8Vector() {
    return VectorKernels.dotInt8(queryCodes, 0, storedCodes, 0, dims);
  }

  @Benchmark
  public int int8Vector256() {
    return VectorKernels.dotInt8x16(queryCodes, 0, storedCodes, 0, dims);
  }

  @Benchmark
  public int binaryHamming() {
    return BinaryKernels.hamming(queryBits, storedBits);
  }

  @Benchmark
  public long binaryQueryNibble() {
    return BinaryKernels.queryNibble(queryPlanes, storedBits);
  }

  /** Random bits: {@code planes} codes of one bit per dimension, back to back, each padded to whole longs. */
  private static long[] bits(SplittableRandom random, int dims, int planes) {
    long[] v = new long[planes * ((dims + Long.SIZE - 1) / Long.SIZE)];
    for (int i = 0; i < v.length; i++) v[i] = random.nextLong();
    return v;
  }

  private static float[] unit(SplittableRandom random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) v[i] = (float) random.nextGaussian();
    return VectorMath.normalize(v);
  }

  private static byte[] codes(SplittableRandom random, int dims) {
    byte[] v = new byte[dims];
    for (int i = 0; i < dims; i++) v[i] = (byte) random.nextInt(-127, 128);
    return v;
  }
}
