package dev.lookalike.bench.load;

import dev.lookalike.topology.store.VectorMath;
import java.util.SplittableRandom;

/**
 * Fixed-seed clustered unit vectors, reproducible one at a time from (seed, index) so that a
 * million of them never have to sit in memory and a near-duplicate's base can be regenerated.
 *
 * <p>Image {@code i} of cluster {@code c} is {@code normalize(centre_c + spread * g / sqrt(d))},
 * g standard normal: two members of a cluster score about {@code 1 / (1 + spread^2)} (0.5 at
 * spread 1; in 512 dims the spread of that score is ~0.04, so no accidental pair gets near the
 * 0.88 duplicate threshold), members of different clusters about 0. A planted near-duplicate is
 * {@code normalize(base + jitter * g / sqrt(d))} and scores about {@code 1 / sqrt(1 + jitter^2)}
 * (0.96 at jitter 0.3) against its base. Clusters make neighbour lists realistic: an image's
 * top-k are cluster mates, so only a few lists change per upload, as with real collections.
 */
final class ClusteredVectors {

  private final int dims;
  private final long seed;
  private final int clusters;
  private final float spread;
  private final float jitter;
  private final float[][] centres;

  ClusteredVectors(int dims, long seed, int clusters, float spread, float jitter) {
    if (dims < 1 || clusters < 1) throw new IllegalArgumentException("dims and clusters must be positive");
    this.dims = dims;
    this.seed = seed;
    this.clusters = clusters;
    this.spread = spread;
    this.jitter = jitter;
    this.centres = new float[clusters][];
    for (int c = 0; c < clusters; c++) centres[c] = VectorMath.normalize(gaussian(rng(-1 - c), 1f));
  }

  /** The generator's parameters, for cache keys. */
  String describe() {
    return String.format("dims=%d seed=%d clusters=%d spread=%s", dims, seed, clusters, spread);
  }

  int dims() {
    return dims;
  }

  int clusters() {
    return clusters;
  }

  /** Pre-stored images are dealt round-robin, so every cluster gets the same number. */
  int preloadedCluster(long index) {
    return (int) (index % clusters);
  }

  /** Uploaded images land in a cluster chosen by their index. */
  int uploadedCluster(long index) {
    return (int) Math.floorMod(mix(seed ^ 0x5DEECE66DL, index), (long) clusters);
  }

  /** The vector of a non-duplicate image. */
  float[] base(long index, int cluster) {
    float[] noise = gaussian(rng(index), spread / (float) Math.sqrt(dims));
    float[] centre = centres[cluster];
    for (int i = 0; i < dims; i++) noise[i] += centre[i];
    return VectorMath.normalize(noise);
  }

  /** A near-duplicate of {@code base}: a small perturbation, distinct per {@code index}. */
  float[] nearDuplicate(float[] base, long index) {
    float[] v = gaussian(rng(index ^ Long.MIN_VALUE), jitter / (float) Math.sqrt(dims));
    for (int i = 0; i < dims; i++) v[i] += base[i];
    return VectorMath.normalize(v);
  }

  private SplittableRandom rng(long index) {
    return new SplittableRandom(mix(seed, index));
  }

  private float[] gaussian(SplittableRandom random, float scale) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) v[i] = (float) random.nextGaussian() * scale;
    return v;
  }

  /** A 64-bit finaliser (SplitMix64): neighbouring indices get unrelated streams. */
  static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
