package dev.lookalike.topology.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.topology.match.MatchInterleavingSimulation.Image;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recommendation lists must not depend on how records of different partitions interleave, nor on
 * where a crash aborts the open transaction: for hundreds of seeded schedules (partitions, list
 * length, exact copies for ties, two tenants) every final list is the brute-force top-k.
 * {@code -Dsim.seeds=N} runs more schedules.
 */
class MatchInterleavingSimulationTest {

  private static final long SEEDS = Long.getLong("sim.seeds", 80L);
  @TempDir Path stateDir;

  @Test
  void everyInterleavingGivesTheExactTopK() {
    assertThat(mismatches(false)).isEmpty();
  }

  @Test
  void crashesAndInProcessRevivalsGiveTheExactTopK() {
    assertThat(mismatches(true)).isEmpty();
  }

  private List<String> mismatches(boolean crashes) {
    List<String> failures = new ArrayList<>();
    for (long seed = 0; seed < SEEDS; seed++) {
      Random random = new Random(seed);
      int k = 1 + random.nextInt(4);
      int partitions = 1 + random.nextInt(4);
      List<Image> images = MatchInterleavingSimulation.randomImages(random, 20 + random.nextInt(60), 2 + random.nextInt(4));
      MatchInterleavingSimulation sim = new MatchInterleavingSimulation(partitions, k, stateDir.resolve("seed-" + seed));
      images.forEach(sim::upload);
      sim.runToCompletion(random, crashes ? 0.2 : 1.0, crashes ? 0.02 : 0.0, 10);
      Map<String, List<String>> expected = MatchInterleavingSimulation.expected(images, k);
      for (Map.Entry<String, List<String>> e : expected.entrySet()) {
        // An image alone in its tenant has nothing to recommend and is never published.
        List<String> got = sim.recommendations.getOrDefault(e.getKey(), List.of());
        if (!e.getValue().equals(got)) {
          failures.add("seed " + seed + " (k=" + k + ", " + partitions + " partitions) " + e.getKey() + ": expected " + e.getValue() + ", got " + got);
        }
      }
    }
    return failures;
  }
}
