package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.avro.RecommendedItem;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production topology with the graph index used at every size (no exact scan below a
 * threshold) and a deliberately narrow beam: near-duplicate pairs must still be exactly the brute
 * force ones, since duplicate searches widen until nothing above the threshold can be missed.
 */
class ApproximateIndexTopologyTest {

  @TempDir Path stateDir;

  private final Workload workload = new Workload(40, 120, 77);
  private final PerceptualEmbedder embedder = new PerceptualEmbedder();
  private final Set<String> truth = Workload.groundTruth(workload.uploads, embedder, (float) VectorConfig.DEFAULT_DUPLICATE_THRESHOLD);

  @Test
  void pairsStayExactWithAWeakGraphAndANarrowBeam() {
    Outputs out = run(Map.of(
        "vector.perceptual.index.exact.below", "0",
        "vector.perceptual.index.ef.search", "2",
        "vector.perceptual.index.ef.duplicates", "2",
        "vector.perceptual.index.m", "4",
        "vector.perceptual.index.ef.construction", "8",
        "vector.perceptual.recommend.k", "5"));
    assertThat(truth).hasSizeGreaterThan(60);
    assertThat(out.pairs).containsExactlyInAnyOrderElementsOf(truth);
  }

  @Test
  void withTheDefaultGraphPairsAreExactAndRecommendationsNearlySo() {
    Outputs out = run(Map.of("vector.perceptual.index.exact.below", "0", "vector.perceptual.recommend.k", "5"));
    assertThat(out.pairs).containsExactlyInAnyOrderElementsOf(truth);
    Map<String, List<String>> exact = Workload.expectedRecommendations(workload.uploads, embedder, 5);
    int expected = 0;
    int found = 0;
    for (Map.Entry<String, List<String>> e : exact.entrySet()) {
      Set<String> ids = new HashSet<>();
      for (String item : e.getValue()) ids.add(item.substring(0, item.indexOf('=')));
      expected += ids.size();
      Recommendations got = out.latest.get(e.getKey());
      if (got == null) continue;
      for (RecommendedItem item : got.getItems()) if (ids.contains(item.getImageId().toString())) found++;
    }
    // Lists are fed from both directions (an image's own search, later images' searches), and the
    // second is approximate too: a later image adds itself only to the lists its search reaches.
    assertThat(found / (double) expected).as("recommendation recall@5").isGreaterThanOrEqualTo(0.95);
  }

  private record Outputs(Set<String> pairs, Map<String, Recommendations> latest) {}

  private Outputs run(Map<String, Object> overrides) {
    Set<String> pairs = new TreeSet<>();
    Map<String, Recommendations> latest = new HashMap<>();
    try (DriverHarness harness = new DriverHarness(stateDir, embedder, overrides, url -> { throw new AssertionError(url); })) {
      for (Workload.Upload upload : workload.uploads) harness.upload(upload.event());
      for (NearDuplicateDetected d : harness.duplicates()) {
        pairs.add(Workload.key(d.getImageId().toString(), d.getDuplicateOf().toString(), d.getKind()));
      }
      for (KeyValue<String, Recommendations> kv : harness.recommendations()) latest.put(kv.key, kv.value);
    }
    return new Outputs(pairs, latest);
  }
}
