package dev.lookalike.bench.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.topology.store.VectorMath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The index benchmark's Lucene engine, every variant, on a small seeded set: what the benchmark's
 * recall numbers rest on (ids mapped back through the doc values, hits re-ranked by the floats).
 */
class LuceneEngineTest {

  private static final int DIMS = 64;
  private static final int N = 1_000;
  private static final int K = 10;

  private final float[][] vectors = unitVectors(N, 7);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(LuceneEngine.Variant.class)
  void aStoredVectorFindsItselfFirst(LuceneEngine.Variant variant) throws IOException {
    try (LuceneEngine engine = built(variant)) {
      for (int i = 0; i < N; i += 37) {
        assertThat(engine.search(vectors[i], K, 32)).as("query = vector %d", i).startsWith(i);
      }
    }
  }

  /**
   * With a beam as large as the set every vector is a hit, so a re-ranked answer is the exact top
   * k in order; unranked binary or int8 scores would get the order wrong.
   */
  @ParameterizedTest
  @EnumSource(value = LuceneEngine.Variant.class, names = {"FLOAT", "INT8_RERANK", "BIT_RERANK"})
  void reRankedHitsAreTheExactTopKInOrder(LuceneEngine.Variant variant) throws IOException {
    float[][] queries = unitVectors(20, 11);
    try (LuceneEngine engine = built(variant)) {
      for (float[] query : queries) {
        assertThat(engine.search(query, K, N)).containsExactly(exactTopK(query));
      }
    }
  }

  private LuceneEngine built(LuceneEngine.Variant variant) throws IOException {
    LuceneEngine engine = new LuceneEngine(dir.resolve("index"), variant, 16, 100);
    for (int i = 0; i < N; i++) engine.add(i, vectors[i]);
    engine.finishBuild();
    engine.restore(dir.resolve("saved")); // opens the reader the searches use
    return engine;
  }

  private int[] exactTopK(float[] query) {
    return IntStream.range(0, N).boxed()
        .sorted(Comparator.comparingDouble(i -> -VectorMath.dot(query, vectors[i])))
        .limit(K).mapToInt(Integer::intValue).toArray();
  }

  private static float[][] unitVectors(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] out = new float[count][DIMS];
    for (int i = 0; i < count; i++) {
      for (int d = 0; d < DIMS; d++) out[i][d] = (float) random.nextGaussian();
      out[i] = VectorMath.normalize(out[i]);
    }
    return out;
  }
}
