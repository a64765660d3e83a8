package dev.lookalike.topology.store.hnsw;

import dev.lookalike.topology.store.VectorMath;
import java.util.SplittableRandom;

/** Seeded clustered unit vectors: centres on the sphere, members spread around them. */
final class ClusteredVectors {

  private final SplittableRandom random;
  private final float[][] centres;
  private final int dims;
  private final double spread;

  ClusteredVectors(long seed, int dims, int clusters, double spread) {
    this.random = new SplittableRandom(seed);
    this.dims = dims;
    this.spread = spread;
    this.centres = new float[clusters][];
    for (int c = 0; c < clusters; c++) centres[c] = gaussian(1.0);
  }

  float[] next() {
    float[] centre = centres[random.nextInt(centres.length)];
    float[] noise = gaussian(spread);
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) v[i] = centre[i] / (float) Math.sqrt(dims) + noise[i] / (float) Math.sqrt(dims);
    return VectorMath.normalize(v);
  }

  /** A near-duplicate of {@code v}: a little noise, renormalized. */
  float[] nearCopy(float[] v, double noise) {
    float[] n = gaussian(noise / Math.sqrt(dims));
    float[] out = new float[dims];
    for (int i = 0; i < dims; i++) out[i] = v[i] + n[i];
    return VectorMath.normalize(out);
  }

  private float[] gaussian(double sigma) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) v[i] = (float) (random.nextGaussian() * sigma);
    return v;
  }
}
