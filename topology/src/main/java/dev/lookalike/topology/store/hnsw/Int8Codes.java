package dev.lookalike.topology.store.hnsw;

/**
 * Symmetric int8 quantization with one scale per vector: each component becomes
 * round(x * 127 / max|x|). Two codes' dot product times both scales approximates the float dot
 * product to about 1e-3 for unit vectors of a few hundred dimensions — good enough to walk the
 * graph, while candidates are rescored with the floats.
 */
final class Int8Codes {

  private Int8Codes() {}

  /** Writes the codes of {@code v} at {@code offset} and returns the scale that undoes them. */
  static float quantize(float[] v, byte[] out, int offset) {
    float max = 0;
    for (float x : v) max = Math.max(max, Math.abs(x));
    if (max == 0 || !Float.isFinite(max)) {
      java.util.Arrays.fill(out, offset, offset + v.length, (byte) 0);
      return 0;
    }
    float toCode = 127f / max;
    for (int i = 0; i < v.length; i++) out[offset + i] = (byte) Math.round(v[i] * toCode);
    return max / 127f;
  }
}
