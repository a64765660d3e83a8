package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.config.VectorConfig;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import org.junit.jupiter.api.Test;

/** The config module cannot see the embedder; this keeps their calibrated threshold the same. */
class DefaultsAgreeTest {

  @Test
  void configuredDefaultThresholdIsTheCalibratedOne() {
    assertThat(VectorConfig.DEFAULT_DUPLICATE_THRESHOLD).isEqualTo(PerceptualEmbedder.DEFAULT_DUPLICATE_THRESHOLD);
  }
}
