package dev.lookalike.bench.index;

import dev.lookalike.topology.store.VectorMath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A benchmark dataset on disk: {@code base.fvecs}, {@code query.fvecs} (held out from the same
 * distribution, never in the base), {@code truth.ivecs} / {@code truth-scores.fvecs} (exact top-100
 * by dot product, best first) and {@code meta.json}. Made once and reused: meta.json is written
 * last, so its presence means the rest is complete.
 */
record Dataset(String name, Path dir, float[][] base, float[][] queries, int[][] truth, float[][] truthScores) {

  static final int QUERIES = 1000;
  static final int TRUTH_K = 100;
  static final long SEED = 42;

  static Dataset load(Path dir) throws IOException {
    return new Dataset(dir.getFileName().toString(), dir, Vecs.readFloats(dir.resolve("base.fvecs")),
        Vecs.readFloats(dir.resolve("query.fvecs")), Vecs.readInts(dir.resolve("truth.ivecs")),
        Vecs.readFloats(dir.resolve("truth-scores.fvecs")));
  }

  static boolean ready(Path dir) {
    return Files.isRegularFile(dir.resolve("meta.json"));
  }

  /** {@code synthetic-100k}, {@code synthetic-1m} (any {@code synthetic-<n>[k|m]}). */
  static void prepareSynthetic(Path dir, String name, int dims, int threads) throws IOException {
    int n = parseCount(name.substring("synthetic-".length()));
    long start = System.nanoTime();
    SyntheticVectors generator = new SyntheticVectors(dims, SEED);
    System.err.printf("prepare %s: generating %,d + %,d vectors of %d dims ...%n", name, n, QUERIES, dims);
    float[][] base = generator.generate(0, n);
    float[][] queries = generator.generate(n, QUERIES); // i.i.d. with the base, so a fair hold-out
    String description = String.format(Locale.ROOT,
        "clustered synthetic: %d Gaussian clusters (Zipf %.1f sizes, spread %.1f x 0.5..1.5) in a %d-dim latent space "
            + "with a 1/sqrt(k) spectrum, mixed into %d dims, plus isotropic noise %.1f, L2-normalized; seed %d",
        SyntheticVectors.CLUSTERS, SyntheticVectors.ZIPF, SyntheticVectors.SPREAD, SyntheticVectors.LATENT, dims,
        SyntheticVectors.NOISE, SEED);
    write(dir, name, base, queries, description, threads, start);
  }

  /** SqueezeNet embeddings of a PNG tree; 1,000 images, picked with a fixed seed, are the queries. */
  static void prepareReal(Path dir, String name, Path pngRoot, Path modelsDir, int threads) throws Exception {
    long start = System.nanoTime();
    System.err.printf("prepare %s: embedding the PNGs under %s with SqueezeNet ...%n", name, pngRoot);
    RealEmbeddings.Embedded all = RealEmbeddings.embedAll(pngRoot, modelsDir, threads);
    if (all.vectors().length < 2 * QUERIES) {
      throw new IllegalStateException("only " + all.vectors().length + " usable images under " + pngRoot
          + ": need at least " + 2 * QUERIES + " (" + QUERIES + " are held out as queries)");
    }
    List<float[]> vectors = shuffled(Arrays.asList(all.vectors()));
    List<String> names = shuffled(all.names()); // the same order: same seed, same size
    float[][] queries = vectors.subList(0, QUERIES).toArray(float[][]::new);
    float[][] base = vectors.subList(QUERIES, vectors.size()).toArray(float[][]::new);
    Files.createDirectories(dir);
    Files.write(dir.resolve("base-images.txt"), names.subList(QUERIES, names.size()));
    Files.write(dir.resolve("query-images.txt"), names.subList(0, QUERIES));
    String description = String.format(Locale.ROOT,
        "real: SqueezeNet 1.1 `embedding` (512-d, L2-normalized) of %,d distinct openclipart-png images "
            + "(pixel-identical copies and images under 64 px dropped); %,d random images held out as queries (seed %d)",
        all.vectors().length, QUERIES, SEED);
    write(dir, name, base, queries, description, threads, start);
  }

  /**
   * Vectors from files (see {@link VectorFile}), L2-normalized because the store ranks by cosine:
   * every engine then gets the same unit vectors, and the ground truth is recomputed by dot product
   * (a file's own ground truth may be for another metric). All-zero and non-finite rows are dropped
   * and counted. Without a query file, 1,000 rows picked with the fixed seed are held out as queries.
   */
  static void prepareImported(Path dir, String name, Path baseFile, Path queryFile, int threads) throws IOException {
    long start = System.nanoTime();
    System.err.printf("prepare %s: reading %s%s ...%n", name, baseFile, queryFile == null ? "" : " and " + queryFile);
    Normalized all = Normalized.of(VectorFile.read(baseFile));
    float[][] base, queries;
    String queryText;
    if (queryFile != null) {
      Normalized given = Normalized.of(VectorFile.read(queryFile));
      if (given.rows.length == 0 || all.rows.length == 0 || given.rows[0].length != all.rows[0].length) {
        throw new IllegalArgumentException("base and query files must both have rows of the same dimension");
      }
      base = all.rows;
      queries = Arrays.copyOf(given.rows, Math.min(QUERIES, given.rows.length));
      queryText = String.format(Locale.ROOT, "the first %,d usable rows of %s%s", queries.length,
          queryFile.getFileName(), given.dropped());
    } else {
      if (all.rows.length < 2 * QUERIES) {
        throw new IllegalArgumentException(baseFile + " has " + all.rows.length + " usable rows: need at least "
            + 2 * QUERIES + " (" + QUERIES + " are held out as queries), or give a query file");
      }
      List<float[]> rows = shuffled(Arrays.asList(all.rows));
      queries = rows.subList(0, QUERIES).toArray(float[][]::new);
      base = rows.subList(QUERIES, rows.size()).toArray(float[][]::new);
      queryText = String.format(Locale.ROOT, "%,d random rows held out as queries (seed %d)", QUERIES, SEED);
    }
    String description = String.format(Locale.ROOT,
        "imported from %s (%,d rows of %d dims%s); %s; L2-normalized, so every engine ranks by cosine",
        baseFile.getFileName(), all.rows.length + all.droppedCount(), base[0].length, all.dropped(), queryText);
    write(dir, name, base, queries, description, threads, start);
  }

  /** Unit-length copies of the rows that have a direction (non-zero, finite), and how many had none. */
  private record Normalized(float[][] rows, int droppedCount) {

    static Normalized of(float[][] raw) {
      List<float[]> kept = new ArrayList<>(raw.length);
      for (float[] row : raw) {
        double sum = 0;
        for (float x : row) sum += (double) x * x;
        if (sum > 0 && Double.isFinite(sum)) kept.add(VectorMath.normalize(row));
      }
      return new Normalized(kept.toArray(float[][]::new), raw.length - kept.size());
    }

    String dropped() {
      return droppedCount == 0 ? "" : String.format(Locale.ROOT, ", %,d all-zero or non-finite rows dropped", droppedCount);
    }
  }

  /** A copy in a fixed order (the first {@link #QUERIES} become the queries): lists of one size get the same order. */
  private static <T> List<T> shuffled(List<T> rows) {
    List<T> order = new ArrayList<>(rows);
    Collections.shuffle(order, new Random(SEED));
    return order;
  }

  private static void write(Path dir, String name, float[][] base, float[][] queries, String description,
                            int threads, long start) throws IOException {
    Files.createDirectories(dir);
    Vecs.writeFloats(dir.resolve("base.fvecs"), base);
    Vecs.writeFloats(dir.resolve("query.fvecs"), queries);
    System.err.printf("prepare %s: exact top-%d for %,d queries over %,d vectors, %d threads ...%n", name, TRUTH_K,
        queries.length, base.length, threads);
    GroundTruth truth = GroundTruth.compute(base, queries, TRUTH_K, threads);
    Vecs.writeInts(dir.resolve("truth.ivecs"), truth.ids);
    Vecs.writeFloats(dir.resolve("truth-scores.fvecs"), truth.scores);
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.writeString(dir.resolve("meta.json"), String.format(Locale.ROOT,
        "{\"name\": %s, \"base\": %d, \"queries\": %d, \"dims\": %d, \"truth_k\": %d, \"seed\": %d, "
            + "\"prepare_seconds\": %.1f, \"description\": %s}%n",
        Json.quote(name), base.length, queries.length, base[0].length, TRUTH_K, SEED, seconds, Json.quote(description)));
    System.err.printf("prepare %s: done in %.0f s -> %s%n", name, seconds, dir);
  }

  static int parseCount(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    if (t.endsWith("m")) return Integer.parseInt(t.substring(0, t.length() - 1)) * 1_000_000;
    if (t.endsWith("k")) return Integer.parseInt(t.substring(0, t.length() - 1)) * 1_000;
    return Integer.parseInt(t);
  }
}
