package dev.lookalike.bench.index;

import dev.lookalike.topology.store.ExactScanIndex;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.KnnRequest;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.VectorIndex;
import dev.lookalike.topology.store.hnsw.HnswIndex;
import dev.lookalike.topology.store.hnsw.HnswParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Near-duplicate pair recall of the graph index against an exact scan: planted copies with noise
 * spread across the threshold, each searched the way the match stage does (every image at or
 * above the duplicate threshold, {@link KnnRequest#exhaustiveAbove}). A pair the exact scan finds
 * and the graph misses is a lost near-duplicate event.
 *
 * <pre>PairRecall [--n 100000] [--every 25] [--threshold 0.9] [--ef-duplicates 256] [--out bench/results/pair-recall.md]</pre>
 */
public final class PairRecall {

  private static final SearchFilter TENANT = SearchFilter.tenant("bench");

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = Options.parse(args);
    int n = Integer.parseInt(opts.getOrDefault("n", "100000"));
    int every = Integer.parseInt(opts.getOrDefault("every", "25"));
    float threshold = Float.parseFloat(opts.getOrDefault("threshold", "0.9"));
    int ef = Integer.parseInt(opts.getOrDefault("ef-duplicates", String.valueOf(HnswParams.DEFAULTS.efDuplicates())));
    Path out = Path.of(opts.getOrDefault("out", "bench/results/pair-recall.md"));

    int dims = 512;
    float[][] base = new SyntheticVectors(dims, 7).generate(0, n);
    HnswIndex graph = new HnswIndex(dims, HnswParams.DEFAULTS.withExactBelow(0).withEfDuplicates(ef));
    ExactScanIndex exact = new ExactScanIndex(dims);
    SplittableRandom random = new SplittableRandom(11);
    int copies = 0;
    long started = System.nanoTime();
    for (int i = 0; i < n; i++) {
      add(graph, exact, "b" + i, base[i]);
      if (i % every == 0) {
        // Noise from "re-encoded" to "cropped": exact scores land on both sides of the threshold.
        add(graph, exact, "c" + i, nearCopy(base[i], 0.15 + 0.55 * random.nextDouble(), random));
        copies++;
      }
    }
    double buildSeconds = (System.nanoTime() - started) / 1e9;

    int expected = 0;
    int found = 0;
    int nearThreshold = 0;
    int nearFound = 0;
    for (int i = 0; i < n; i += every) {
      float[] copy = graph.vector("c" + i);
      Map<String, Float> truth = above(exact, copy, threshold, "c" + i);
      Map<String, Float> got = above(graph, copy, threshold, "c" + i);
      for (Map.Entry<String, Float> pair : truth.entrySet()) {
        expected++;
        boolean hit = got.containsKey(pair.getKey());
        if (hit) found++;
        if (pair.getValue() < threshold + 0.02f) {
          nearThreshold++;
          if (hit) nearFound++;
        }
      }
    }
    String report = String.format("""
        # Near-duplicate pair recall: graph index vs exact scan

        Produced by `bench/run-pair-recall.sh` (%s): `PairRecall --n %d --every %d --threshold %s --ef-duplicates %d`.

        %,d clustered synthetic 512-d vectors (the index benchmark's generator, seed 7) and %,d planted copies
        (every %d-th vector plus Gaussian noise of 0.15..0.70 relative norm, so exact scores fall on both sides of
        the threshold). Each copy is searched the way the match stage searches: every image at or above the
        duplicate threshold %s must be offered (`KnnRequest.exhaustiveAbove`), through `HnswIndex` (m=16,
        efConstruction=100, duplicate-search beam %d (`index.ef.duplicates`), int8 graph, float rescoring, graph at every size) and through `ExactScanIndex`.
        Build: %.1f s.

        | pairs at or above the threshold (exact scan) | found by the graph | pair recall | of them within 0.02 above the threshold | found | recall there |
        |---:|---:|---:|---:|---:|---:|
        | %,d | %,d | **%.5f** | %,d | %,d | %.5f |

        Target (issue 5): pair recall >= 0.999.
        """, LocalDate.now(), n, every, threshold, ef, n, copies, every, threshold, ef, buildSeconds,
        expected, found, found / (double) Math.max(1, expected), nearThreshold, nearFound, nearFound / (double) Math.max(1, nearThreshold));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    System.out.print(report);
  }

  private static void add(VectorIndex a, VectorIndex b, String id, float[] v) {
    IndexedImage image = new IndexedImage(id, "bench", 0, 1, "", List.of(), Map.of());
    a.upsert(image, v);
    b.upsert(image, v);
  }

  private static Map<String, Float> above(VectorIndex index, float[] query, float threshold, String self) {
    Map<String, Float> hits = new java.util.HashMap<>();
    index.search(query, TENANT.excluding(self), new KnnRequest(10, threshold), (image, score) -> {
      if (score >= threshold) hits.put(image.imageId(), score);
    });
    return hits;
  }

  private static float[] nearCopy(float[] v, double relativeNoise, SplittableRandom random) {
    float[] out = new float[v.length];
    double sigma = relativeNoise / Math.sqrt(v.length);
    for (int d = 0; d < v.length; d++) out[d] = (float) (v[d] + sigma * random.nextGaussian());
    SyntheticVectors.normalize(out);
    return out;
  }

  /** --key value pairs. */
  private static final class Options {
    static Map<String, String> parse(String[] args) {
      Map<String, String> opts = new java.util.HashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
      return opts;
    }
  }
}
