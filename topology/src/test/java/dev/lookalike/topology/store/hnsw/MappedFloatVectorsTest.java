package dev.lookalike.topology.store.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Off-heap floats: a few vectors map a few pages, and growing keeps every vector. */
class MappedFloatVectorsTest {

  private static final int DIMS = 512;

  @Test
  void aFewVectorsMapRoomForAFewAndGrowingKeepsEveryVector() {
    MappedFloatVectors floats = new MappedFloatVectors(DIMS);
    SplittableRandom random = new SplittableRandom(3);
    float[][] vectors = new float[20_000][]; // past the first whole chunk of 16,384
    for (int i = 0; i < 3; i++) floats.set(i, vectors[i] = vector(random));
    assertThat(floats.mappedBytes()).as("room for 4 vectors, not a 32 MB chunk").isEqualTo(4L * DIMS * Float.BYTES);

    FloatVectors frozen = floats.frozen(3);
    for (int i = 3; i < vectors.length; i++) floats.set(i, vectors[i] = vector(random));
    for (int i = 0; i < vectors.length; i += 7) assertThat(floats.get(i)).containsExactly(vectors[i]);
    for (int i = 0; i < 3; i++) assertThat(frozen.get(i)).as("a frozen copy keeps the mapping it had").containsExactly(vectors[i]);
    floats.close();
  }

  private static float[] vector(SplittableRandom random) {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) v[d] = (float) random.nextGaussian();
    return v;
  }
}
