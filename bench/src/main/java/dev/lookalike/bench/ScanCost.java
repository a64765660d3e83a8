package dev.lookalike.bench;

import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.store.ExactScanIndex;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.TopKCollector;
import dev.lookalike.topology.store.VectorMath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the capacity estimate in docs/scaling.md rests on: the cost of one exact k-NN scan per
 * stored vector, and the heap a stored vector takes (index + the store's serialized copy).
 * Seeded random unit vectors, one thread. Not a JMH benchmark: a coarse, repeatable measure.
 *   java -cp ... dev.lookalike.bench.ScanCost [vectors] [queries]
 */
public final class ScanCost {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int queries = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    StringBuilder report = new StringBuilder("# Exact-scan cost and memory per vector\n\n")
        .append("Produced by `dev.lookalike.bench.ScanCost ").append(n).append(' ').append(queries).append("` (`bench/run-scan-cost.sh`); JDK ")
        .append(Runtime.version()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, one thread.\n\n")
        .append("| dims | vectors | median ms / query (top-10) | ns / vector | index heap B / vector | serialized entry B |\n|---:|---:|---:|---:|---:|---:|\n");
    for (int dims : new int[] {160, 512}) report.append(measure(n, queries, dims));
    System.out.print(report);
    Path out = Path.of("bench", "results", "scan-cost.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    System.err.println("written to " + out.toAbsolutePath());
  }

  private static String measure(int n, int queries, int dims) {
    Random random = new Random(42);
    System.gc();
    long before = usedHeap();
    ExactScanIndex index = new ExactScanIndex(dims);
    for (int i = 0; i < n; i++) {
      index.upsert(new IndexedImage("image-" + i, "acme", i, i, "hash-" + i, List.of(), Map.of()), unit(random, dims));
    }
    System.gc();
    long indexBytes = (usedHeap() - before) / n;
    int entryBytes = AvroBinarySerde.of(VectorEntry.class).serialize("t", entry(random, dims)).length;
    SearchFilter filter = SearchFilter.tenant("acme");
    for (int w = 0; w < 20; w++) index.search(unit(random, dims), filter, new TopKCollector(10, -1f)); // warm-up
    double[] millis = new double[queries];
    for (int q = 0; q < queries; q++) {
      float[] query = unit(random, dims);
      long t0 = System.nanoTime();
      index.search(query, filter, new TopKCollector(10, -1f));
      millis[q] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(millis);
    double median = millis[queries / 2];
    return String.format("| %d | %,d | %.2f | %.1f | %,d | %,d |%n", dims, n, median, median * 1e6 / n, indexBytes, entryBytes);
  }

  private static VectorEntry entry(Random random, int dims) {
    List<Float> v = new ArrayList<>();
    for (float x : unit(random, dims)) v.add(x);
    return VectorEntry.newBuilder().setImageId("image-123456").setTenant("acme").setUploadedAt(1).setVersion(1)
        .setContentHash("0".repeat(64)).setWidth(640).setHeight(480).setFormat("jpeg").setModel("perceptual-v1").setVector(v).build();
  }

  private static float[] unit(Random random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) v[i] = (float) random.nextGaussian();
    return VectorMath.normalize(v);
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
