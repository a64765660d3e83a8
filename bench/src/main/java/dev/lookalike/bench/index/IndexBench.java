package dev.lookalike.bench.index;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.lucene.util.VectorUtil;

/**
 * The Java half of {@code bench/run-index-bench.sh}: prepares datasets, and runs one Java engine
 * (Lucene HNSW float / int8, lookalike's HnswIndex and exact scan) on one dataset per JVM, so heap measurements and JIT state
 * of one engine never leak into the next. Appends one JSON line per (engine, ef) to --out.
 * Times are wall clock and, because the machine may be shared, also the CPU time of the one
 * thread doing the work (GC and JIT threads not included).
 *
 * <pre>
 *   IndexBench prepare --data-dir D --dataset synthetic-100k|synthetic-1m|real-openclipart
 *                      [--png-root P --models-dir M] [--threads 2]
 *   IndexBench prepare --data-dir D --dataset file-NAME --base F.fvecs|F.bvecs|F.npy [--queries Q] [--threads 2]
 *   IndexBench run --data-dir D --dataset NAME --engine lucene-hnsw|lucene-hnsw-int8|lucene-hnsw-int8-rerank|lucene-hnsw-bit-rerank|lookalike|lookalike-offheap|lookalike-exact
 *                  --work W --out results.jsonl [--m 16 --ef-construction 100 --ef 10,16,32 --k 10]
 * </pre>
 */
public final class IndexBench {

  /** Each setting is timed over at least this long (whole passes over the queries). */
  static final double MIN_SECONDS = 2;
  /** Datasets read from the user's files are named {@code file-<name>}. */
  static final String IMPORTED = "file-";

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = options(args);
    Path dataDir = Path.of(opt.getOrDefault("data-dir", "bench/target/index-data"));
    String dataset = require(opt, "dataset");
    Path dir = dataDir.resolve(dataset);
    switch (args[0]) {
      case "prepare" -> prepare(opt, dir, dataset);
      case "run" -> run(opt, dir, dataset);
      default -> throw new IllegalArgumentException("first argument: prepare or run");
    }
  }

  private static void prepare(Map<String, String> opt, Path dir, String dataset) throws Exception {
    int threads = Integer.parseInt(opt.getOrDefault("threads", "2"));
    if (dataset.startsWith(IMPORTED)) {
      prepareImported(opt, dir, dataset, threads);
      return;
    }
    if (Dataset.ready(dir)) {
      System.err.println("prepare " + dataset + ": cached in " + dir);
      return;
    }
    if (dataset.startsWith("synthetic-")) {
      Dataset.prepareSynthetic(dir, dataset, 512, threads);
    } else if (dataset.startsWith("real-")) {
      Dataset.prepareReal(dir, dataset, Path.of(require(opt, "png-root")), Path.of(require(opt, "models-dir")), threads);
    } else {
      throw new IllegalArgumentException("unknown dataset " + dataset);
    }
  }

  /**
   * Cached like the others, but made again when the files are not the ones it was made from (a
   * second file with the same name, or the same file rewritten).
   */
  private static void prepareImported(Map<String, String> opt, Path dir, String dataset, int threads) throws Exception {
    Path base = Path.of(require(opt, "base")).toAbsolutePath();
    Path queries = opt.containsKey("queries") ? Path.of(opt.get("queries")).toAbsolutePath() : null;
    String source = describe(base) + (queries == null ? "" : "\n" + describe(queries)) + "\n";
    Path sourceFile = dir.resolve("source.txt");
    if (Dataset.ready(dir) && Files.isRegularFile(sourceFile) && Files.readString(sourceFile).equals(source)) {
      System.err.println("prepare " + dataset + ": cached in " + dir);
      return;
    }
    deleteTree(dir);
    Files.createDirectories(dir);
    Files.writeString(sourceFile, source);
    Dataset.prepareImported(dir, dataset, base, queries, threads);
  }

  private static String describe(Path file) throws IOException {
    return file + " " + Files.size(file) + " bytes, modified " + Files.getLastModifiedTime(file);
  }

  private static void run(Map<String, String> opt, Path dir, String datasetName) throws Exception {
    String engineName = require(opt, "engine");
    int m = Integer.parseInt(opt.getOrDefault("m", "16"));
    int efConstruction = Integer.parseInt(opt.getOrDefault("ef-construction", "100"));
    int k = Integer.parseInt(opt.getOrDefault("k", "10"));
    int[] efs = Arrays.stream(opt.getOrDefault("ef", "10,16,32,64,128,256,512").split(",")).mapToInt(Integer::parseInt).toArray();
    Path out = Path.of(require(opt, "out"));
    Path work = Path.of(require(opt, "work")).resolve(engineName);

    Dataset data = Dataset.load(dir);
    int n = data.base().length, dims = data.base()[0].length;
    System.err.printf("%s on %s: %,d x %d, %,d queries, M=%d efConstruction=%d%n", engineName, datasetName, n, dims,
        data.queries().length, m, efConstruction);
    deleteTree(work);
    Files.createDirectories(work);
    warmUp(engineName, work.resolve("warm-up"), dims, m, efConstruction);
    long heapBefore = usedHeapAfterGc();
    try (AnnEngine engine = create(engineName, work.resolve("index"), dims, m, efConstruction)) {
      // Build: one thread, progress every 5%.
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      long t0 = System.nanoTime(), c0 = cpu.getCurrentThreadCpuTime();
      int step = Math.max(1, n / 20);
      for (int i = 0; i < n; i++) {
        engine.add(i, data.base()[i]);
        if ((i + 1) % step == 0 && i + 1 < n) {
          double s = (System.nanoTime() - t0) / 1e9;
          System.err.printf("  build %,d/%,d  %.0f vectors/s  about %.0f s left%n", i + 1, n, (i + 1) / s,
              s / (i + 1) * (n - i - 1));
        }
      }
      engine.finishBuild();
      double buildSeconds = (System.nanoTime() - t0) / 1e9;
      double buildCpuSeconds = (cpu.getCurrentThreadCpuTime() - c0) / 1e9;
      System.err.printf("  built in %.1f s, %.1f s CPU (%.0f vectors/s wall, %.0f CPU)%n", buildSeconds, buildCpuSeconds,
          n / buildSeconds, n / buildCpuSeconds);

      AnnEngine.Restore restore = engine.restore(work.resolve("saved"));
      if (restore != null) {
        System.err.printf("  restore: save %.2f s, load %.2f s, %,d bytes on disk%n", restore.saveSeconds(),
            restore.loadSeconds(), restore.bytesOnDisk());
      }
      long measuredHeap = usedHeapAfterGc() - heapBefore;
      long heap = engine.heapBytes() >= 0 ? engine.heapBytes() : measuredHeap;
      long offHeap = engine.offHeapBytes();

      long f0 = System.nanoTime();
      engine.search(data.queries()[0], k, efs[0]);
      double firstQueryMillis = (System.nanoTime() - f0) / 1e6;
      int[] settings = engine.usesEf() ? efs : new int[] {0};
      // Warm-up (JIT, and Lucene's mapped pages): a third of the queries at a middle setting.
      int warm = engine.usesEf() ? data.queries().length / 3 : 20;
      for (int q = 0; q < warm; q++) engine.search(data.queries()[q], k, settings[settings.length / 2]);

      for (int ef : settings) {
        int[][] results = new int[data.queries().length][];
        // All queries once; again while under MIN_SECONDS so that fast settings are not timed on a blip.
        long q0 = System.nanoTime(), qc0 = cpu.getCurrentThreadCpuTime();
        int passes = 0;
        do {
          for (int q = 0; q < results.length; q++) results[q] = engine.search(data.queries()[q], k, ef);
          passes++;
        } while (System.nanoTime() - q0 < MIN_SECONDS * 1e9);
        double seconds = (System.nanoTime() - q0) / 1e9;
        double cpuSeconds = (cpu.getCurrentThreadCpuTime() - qc0) / 1e9;
        double qps = (double) passes * results.length / seconds;
        cpuSeconds /= passes;
        double recall = recall(results, data, k);
        System.err.printf("  %-8s %9.0f QPS (%.0f by CPU time)  recall@%d %.4f%n", ef == 0 ? "exact" : "ef=" + ef, qps,
            results.length / cpuSeconds, k, recall);

        Map<String, Object> row = new LinkedHashMap<>();
        row.put("dataset", datasetName);
        row.put("n", n);
        row.put("dims", dims);
        row.put("queries", results.length);
        row.put("engine", engine.name());
        row.put("engine_id", engineName);
        row.put("m", m);
        row.put("ef_construction", efConstruction);
        row.put("setting", ef == 0 ? "exact" : "ef=" + ef);
        row.put("ef", ef == 0 ? null : ef);
        row.put("k", k);
        row.put("build_seconds", buildSeconds);
        row.put("build_rate", n / buildSeconds);
        row.put("build_cpu_seconds", buildCpuSeconds);
        row.put("build_rate_cpu", n / buildCpuSeconds);
        row.put("build_note", engine.buildNote());
        row.put("qps", qps);
        row.put("qps_cpu", results.length / cpuSeconds);
        row.put("query_threads", 1);
        row.put("recall_at_k", recall);
        row.put("bytes_per_vector", (double) (heap + offHeap) / n);
        row.put("heap_bytes", heap);
        row.put("offheap_bytes", offHeap);
        row.put("memory_method", (engine.heapBytes() >= 0 ? "heap computed by the engine" : "heap used after GC, delta")
            + (offHeap > 0 ? " + searched index files (mmap)" : "") + engine.memoryNote());
        row.put("save_seconds", restore == null ? null : restore.saveSeconds());
        row.put("load_seconds", restore == null ? null : restore.loadSeconds());
        row.put("index_bytes_on_disk", restore == null ? null : restore.bytesOnDisk());
        row.put("restore_note", restore == null ? "none: the engine has no save/load path" : restore.note());
        row.put("first_query_ms", firstQueryMillis);
        row.put("files", engine instanceof LuceneEngine lucene ? lucene.fileSizes().toString() : null);
        row.put("runtime", "JDK " + Runtime.version() + ", " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        row.put("time", Instant.now().toString());
        row.put("command", System.getenv().getOrDefault("BENCH_COMMAND", ""));
        Files.writeString(out, Json.object(row) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } finally {
      deleteTree(work);
    }
  }

  /** Vectors of the throwaway index every engine builds first (index_bench.py builds one too). */
  static final int WARM_UP_VECTORS = 10_000;

  /**
   * Builds and drops an index of random unit vectors of the data's dimension, untimed, before the
   * timed build: as the queries are timed after a warm-up, the build is timed on compiled code, a
   * running service's steady state. Without it a small set measured mostly the JIT: 4.9k
   * SqueezeNet vectors built at about 60 % of hnswlib's rate, with the samples in the Vector API's
   * uncompiled fallback.
   */
  private static void warmUp(String engineName, Path dir, int dims, int m, int efConstruction) throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    try (AnnEngine warm = create(engineName, dir, dims, m, efConstruction)) {
      for (int i = 0; i < WARM_UP_VECTORS; i++) {
        float[] v = new float[dims];
        for (int d = 0; d < dims; d++) v[d] = (float) random.nextGaussian();
        VectorUtil.l2normalize(v);
        warm.add(i, v);
      }
      warm.finishBuild();
    }
    deleteTree(dir);
  }

  private static AnnEngine create(String name, Path indexDir, int dims, int m, int efConstruction) throws IOException {
    LuceneEngine.Variant lucene = LuceneEngine.Variant.of(name);
    if (lucene != null) return new LuceneEngine(indexDir, lucene, m, efConstruction);
    return switch (name) {
      case "lookalike" -> new LookalikeEngine(dims, m, efConstruction, false, false);
      case "lookalike-offheap" -> new LookalikeEngine(dims, m, efConstruction, false, true);
      case "lookalike-exact" -> new LookalikeEngine(dims, m, efConstruction, true, false);
      default -> throw new IllegalArgumentException("unknown Java engine " + name);
    };
  }

  /** Two scores closer than this are a tie (identical vectors: e.g. images differing only in alpha). */
  static final float TIE = 1e-6f;

  /**
   * recall@k: the fraction of the true top k found among the k returned. A returned id counts when
   * it is one of the true top k or ties with the k-th (its exact score is within {@link #TIE}), so
   * an exact index scores 1.0 whichever of two equal vectors it returns. Same rule as index_bench.py.
   */
  static double recall(int[][] results, Dataset data, int k) {
    long found = 0;
    for (int q = 0; q < results.length; q++) {
      float kth = data.truthScores()[q][k - 1];
      int hits = 0;
      for (int id : results[q]) {
        boolean hit = false;
        for (int t = 0; t < k && !hit; t++) hit = data.truth()[q][t] == id;
        if (hit || (id >= 0 && VectorUtil.dotProduct(data.queries()[q], data.base()[id]) >= kth - TIE)) hits++;
      }
      found += Math.min(k, hits);
    }
    return (double) found / ((long) results.length * k);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (var walk = Files.walk(root)) {
      List<Path> paths = new ArrayList<>(walk.toList());
      java.util.Collections.reverse(paths);
      for (Path p : paths) Files.delete(p);
    }
  }

  private static Map<String, String> options(String[] args) {
    if (args.length == 0) throw new IllegalArgumentException("usage: IndexBench prepare|run --option value ...");
    Map<String, String> opt = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("bad option " + args[i]);
      opt.put(args[i].substring(2), args[i + 1]);
    }
    return opt;
  }

  private static String require(Map<String, String> opt, String key) {
    String value = opt.get(key);
    if (value == null) throw new IllegalArgumentException("--" + key + " is required");
    return value;
  }
}
