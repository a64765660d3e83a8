package dev.lookalike.bench.kernels;

import dev.lookalike.topology.store.VectorMath;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link DotBenchmarks} with JMH (forked JVMs, {@code --add-modules jdk.incubator.vector})
 * and writes a Markdown table: ns/op with JMH's 99.9% error and the fastest iteration, the speed-up
 * over the old float loop at the same dimension, and throughput. {@code bench/run-kernels.sh} runs it:
 *   java -cp ... dev.lookalike.bench.kernels.KernelsReport [--forks N] [--warmup N] [--warmup-time SECONDS]
 *       [--iterations N] [--time SECONDS] [--include REGEX] [--out FILE]
 */
public final class KernelsReport {

  private KernelsReport() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>(Map.of("--forks", "1", "--warmup", "3", "--warmup-time", "1", "--iterations", "10",
        "--time", "0.5", "--include", "", "--out", "bench/results/kernels.md"));
    for (int i = 0; i < args.length; i++) {
      if (!opts.containsKey(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: KernelsReport [--forks N] [--warmup N] [--warmup-time SECONDS] [--iterations N] "
            + "[--time SECONDS] [--include REGEX] [--out FILE]; got " + String.join(" ", args));
      }
      opts.put(args[i], args[++i]);
    }
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(DotBenchmarks.class.getName() + "\\." + (opts.get("--include").isEmpty() ? ".*" : opts.get("--include")))
        .shouldFailOnError(true)
        .forks(Integer.parseInt(opts.get("--forks")))
        // Not this JVM's arguments (JMH's default): a small fixed heap; @Fork appends the Vector API module.
        .jvmArgs("-Xms256m", "-Xmx256m", "--enable-native-access=ALL-UNNAMED")
        .warmupIterations(Integer.parseInt(opts.get("--warmup"))).warmupTime(seconds(opts.get("--warmup-time")))
        .measurementIterations(Integer.parseInt(opts.get("--iterations"))).measurementTime(seconds(opts.get("--time")));
    long started = System.nanoTime();
    Collection<RunResult> results = new Runner(options.build()).run();
    if (results.isEmpty()) throw new IllegalStateException("no benchmark ran (check --include)");
    double minutes = (System.nanoTime() - started) / 60e9;
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

    String report = report(results, opts, args, minutes, loadBefore, loadAfter);
    Path out = Path.of(opts.get("--out"));
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.out.print(report);
    System.err.println("written to " + out.toAbsolutePath());
  }

  private static TimeValue seconds(String value) {
    return TimeValue.milliseconds(Math.round(Double.parseDouble(value) * 1000));
  }

  /**
   * Mean ns/op over the measured iterations, JMH's 99.9% error of it, and the fastest iteration's
   * ns/op; bytesPerDim is what one dimension of both operands takes (for GB/s).
   */
  private record Row(String kernel, int dims, String impl, double bytesPerDim, double ns, double error, double best) {}

  private static String report(Collection<RunResult> results, Map<String, String> opts, String[] args, double minutes,
      double loadBefore, double loadAfter) throws Exception {
    List<Row> rows = new ArrayList<>();
    BenchmarkParams params = null;
    for (RunResult result : results) {
      params = result.getParams();
      String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      String kernel = method.startsWith("int8") ? "int8" : method.startsWith("binary") ? "binary" : "float";
      String impl = switch (method) {
        case "floatBaseline" -> "baseline: old 4-accumulator loop";
        case "floatScalar", "int8Scalar" -> "scalar";
        case "floatVector" -> "Vector API (8 lanes)";
        case "int8Vector" -> "Vector API (" + intBits() + "-bit, this CPU's shape)";
        case "int8Vector256" -> "Vector API (256-bit, AVX2 shape)";
        case "binaryHamming" -> "Hamming, 1-bit query (Long.bitCount)";
        case "binaryQueryNibble" -> "4-bit query x 1-bit code (Long.bitCount)";
        default -> method;
      };
      double bytesPerDim = switch (method) {
        case "binaryHamming" -> 2 / 8.0;
        case "binaryQueryNibble" -> 5 / 8.0;
        default -> kernel.equals("int8") ? 2 : 8;
      };
      rows.add(new Row(kernel, Integer.parseInt(params.getParam("dims")), impl, bytesPerDim, result.getPrimaryResult().getScore(),
          result.getPrimaryResult().getScoreError(), result.getPrimaryResult().getStatistics().getMin()));
    }
    List<String> kernels = List.of("float", "int8", "binary"); // from the baseline to the smallest codes
    rows.sort(Comparator.comparingInt((Row r) -> kernels.indexOf(r.kernel)).thenComparingInt(Row::dims).thenComparingInt(r -> order(r.impl)));
    Map<Integer, Row> baseline = rows.stream().filter(r -> r.impl.startsWith("baseline"))
        .collect(Collectors.toMap(Row::dims, r -> r));

    StringBuilder md = new StringBuilder("# Dot-product kernels (JMH)\n\n");
    md.append("Produced by `").append(command(args)).append("` on ").append(LocalDate.now())
        .append(String.format(Locale.ROOT, "; %.1f minutes.%n%n", minutes));
    md.append("One dot product of a query with one stored vector, both in L1 cache (the kernels' compute cost, not a ")
        .append("scan's memory traffic), time per call. **ns/op** is the mean over the measured iterations ± JMH's 99.9% ")
        .append("confidence half-width; **best** is the fastest iteration, the least disturbed by other processes. ")
        .append("**Speed-up** is the baseline's time over the row's at the same dimension, from the means (± propagated ")
        .append("from both errors) and from the best iterations. The baseline is the float kernel before issue 5 ")
        .append("(`bench/src/main/java/dev/lookalike/bench/kernels/OldDot.java`); int8 rows are compared with it too: ")
        .append("what comparing int8 codes instead of floats buys per call, and so are the binary rows (one bit per ")
        .append("stored dimension: what binary quantization would buy). GB/s and dims/ns are from the best ")
        .append("iteration; GB/s counts both operands' bytes (4 per float, 1 per int8 code, 1/8 per bit: a 4-bit ")
        .append("query counts 4/8).\n\n");
    md.append("**These numbers are noisy**: 2 cores shared with other jobs (load average ")
        .append(String.format(Locale.ROOT, "%.1f before, %.1f after", loadBefore, loadAfter))
        .append("), one fork per benchmark. Read the ratios, not the last digit, and mind the ± column.\n\n");
    md.append("| kernel | dims | implementation | ns/op (mean ± error) | best ns/op | speed-up vs baseline (mean) "
        + "| speed-up (best) | GB/s | dims/ns |\n");
    md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      Row base = baseline.get(r.dims);
      String ratio = "—";
      String bestRatio = "—";
      if (base != null) {
        double x = base.ns / r.ns;
        double rel = Math.sqrt(sq(relative(base)) + sq(relative(r)));
        ratio = r == base ? "1" : Double.isNaN(rel) ? String.format(Locale.ROOT, "%.2f×", x)
            : String.format(Locale.ROOT, "%.2f× ± %.2f", x, x * rel);
        bestRatio = r == base ? "1" : String.format(Locale.ROOT, "%.2f×", base.best / r.best);
      }
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.1f | %s | %s | %.1f | %.2f |%n", r.kernel, r.dims, r.impl,
          Double.isNaN(r.error) ? String.format(Locale.ROOT, "%.1f", r.ns) : String.format(Locale.ROOT, "%.1f ± %.1f", r.ns, r.error),
          r.best, ratio, bestRatio, r.bytesPerDim * r.dims / r.best, r.dims / r.best));
    }
    md.append("\n## Machine and JVM\n\n");
    md.append("- CPU: ").append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores visible\n");
    md.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
        .append(' ').append(System.getProperty("os.arch")).append('\n');
    if (params != null) {
      md.append("- JDK: ").append(params.getJdkVersion()).append(", ").append(params.getVmName()).append(' ')
          .append(params.getVmVersion()).append("; JMH ").append(params.getJmhVersion()).append('\n');
      md.append("- Forked JVM arguments: `").append(String.join(" ", params.getJvmArgs())).append("`\n");
      md.append(String.format(Locale.ROOT, "- JMH: %d fork(s) per benchmark, %d warm-up iterations of %s, %d measured of %s, mode avgt%n",
          params.getForks(), params.getWarmup().getCount(), params.getWarmup().getTime(), params.getMeasurement().getCount(),
          params.getMeasurement().getTime()));
    }
    md.append("- What `VectorMath` picks on this JVM: ").append(VectorMath.describe()).append('\n');
    md.append("\nThe float kernels other than the baseline return bit-identical scores (fixed 8-lane order, no FMA; ")
        .append("`VectorMathTest` checks it); that order is why the Vector API kernel uses 256-bit vectors even where ")
        .append("512-bit ones exist. Int8 results are exact in every shape.\n");
    return md.toString();
  }

  private static int order(String impl) {
    if (impl.startsWith("baseline")) return 0;
    if (impl.startsWith("scalar")) return 1;
    if (impl.contains("AVX2") || impl.startsWith("4-bit")) return 3;
    return 2;
  }

  private static double relative(Row r) {
    return r.error / r.ns;
  }

  private static double sq(double x) {
    return x * x;
  }

  private static int intBits() {
    // The fork's choice; this JVM runs on the same CPU, so asking here gives the same answer.
    try {
      return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          ? dev.lookalike.topology.store.VectorKernels.int8VectorBits() : -1;
    } catch (LinkageError e) {
      return -1;
    }
  }

  private static String command(String[] args) {
    String command = System.getProperty("lookalike.bench.command");
    if (command != null && !command.isBlank()) return command.trim();
    return "java ... " + KernelsReport.class.getName() + (args.length == 0 ? "" : " " + String.join(" ", args));
  }

  private static String cpu() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
      TreeSet<String> flags = lines.stream().filter(l -> l.startsWith("flags")).findFirst()
          .map(l -> new TreeSet<>(List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))).orElse(new TreeSet<>());
      String simd = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni").stream()
          .filter(flags::contains).collect(Collectors.joining(" "));
      return model + (simd.isEmpty() ? "" : " (" + simd + ")");
    } catch (Exception e) {
      return System.getProperty("os.arch");
    }
  }
}
