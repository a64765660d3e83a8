package dev.lookalike.bench.index;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Clustered unit vectors that are hard for an ANN index in the way real embeddings are, not
 * i.i.d. Gaussian (which is unrealistically hard) nor well-separated blobs (trivially easy):
 * <ul>
 *   <li>points live near a {@value #LATENT}-dim subspace with a decaying spectrum (a random
 *       mixing matrix whose k-th latent axis has scale k^-1/2), as learned features do;</li>
 *   <li>{@value #CLUSTERS} Gaussian clusters with Zipf(0.8) sizes and spreads varying 3x, so
 *       some regions are dense and some sparse, and clusters overlap;</li>
 *   <li>isotropic noise in all 512 dims on top.</li>
 * </ul>
 * At 100k vectors, M=16 and ef=32, hnswlib reaches recall@10 around 0.9; the top-10 neighbour
 * of a query has cosine about 0.5 against about 0.0 +- 0.17 for a random pair.
 * Vector i depends only on (seed, i), so generation runs in parallel and is deterministic.
 */
final class SyntheticVectors {

  static final int LATENT = 128;
  static final int CLUSTERS = 4000;
  static final double ZIPF = 0.8;
  static final double SPREAD = 0.7;
  static final double NOISE = 0.6;

  private final int dims;
  private final long seed;
  private final float[][] mixing;      // LATENT x dims
  private final float[][] centres;     // CLUSTERS x LATENT
  private final double[] spreads;      // per cluster
  private final double[] cumulative;   // Zipf cluster-size CDF

  SyntheticVectors(int dims, long seed) {
    this.dims = dims;
    this.seed = seed;
    SplittableRandom random = new SplittableRandom(seed);
    mixing = new float[LATENT][dims];
    for (int k = 0; k < LATENT; k++) {
      double scale = 1 / Math.sqrt(k + 1);
      for (int d = 0; d < dims; d++) mixing[k][d] = (float) (random.nextGaussian() * scale);
    }
    centres = new float[CLUSTERS][LATENT];
    spreads = new double[CLUSTERS];
    cumulative = new double[CLUSTERS];
    double sum = 0;
    for (int c = 0; c < CLUSTERS; c++) {
      for (int k = 0; k < LATENT; k++) centres[c][k] = (float) random.nextGaussian();
      spreads[c] = SPREAD * Math.exp(random.nextDouble(Math.log(0.5), Math.log(1.5)));
      sum += Math.pow(c + 1, -ZIPF);
      cumulative[c] = sum;
    }
    for (int c = 0; c < CLUSTERS; c++) cumulative[c] /= sum;
  }

  /** Vectors {@code from .. from+count-1}, generated on the common pool. */
  float[][] generate(int from, int count) {
    float[][] out = new float[count][];
    IntStream.range(0, count).parallel().forEach(i -> out[i] = vector(from + i));
    return out;
  }

  float[] vector(long index) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 1);
    int pos = Arrays.binarySearch(cumulative, random.nextDouble());
    int cluster = Math.min(CLUSTERS - 1, pos >= 0 ? pos : -pos - 1);
    float[] x = new float[dims];
    for (int k = 0; k < LATENT; k++) {
      float latent = (float) (centres[cluster][k] + spreads[cluster] * random.nextGaussian());
      float[] axis = mixing[k];
      for (int d = 0; d < dims; d++) x[d] += latent * axis[d];
    }
    normalize(x);
    double noise = NOISE / Math.sqrt(dims);
    for (int d = 0; d < dims; d++) x[d] += (float) (noise * random.nextGaussian());
    normalize(x);
    return x;
  }

  static void normalize(float[] x) {
    double sum = 0;
    for (float v : x) sum += (double) v * v;
    float inv = (float) (1 / Math.sqrt(sum));
    for (int d = 0; d < x.length; d++) x[d] *= inv;
  }
}
