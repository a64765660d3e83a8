package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config module cannot see the embedder; this keeps their calibrated threshold the same. */
class DefaultsAgreeTest {

  @Test
  void configuredDefaultThresholdIsTheCalibratedOne() {
    assertThat(VectorConfig.DEFAULT_DUPLICATE_THRESHOLD).isEqualTo(PerceptualEmbedder.DEFAULT_DUPLICATE_THRESHOLD);
  }

  @Test
  void theFetchersDefaultsAreTheConfiguredOnes() {
    LookalikeConfig config = LookalikeConfig.of(Map.of());
    FetcherConfig fetcher = FetcherConfig.defaults();
    assertThat(fetcher.totalTimeout()).isEqualTo(Duration.ofMillis(config.fetchTotalTimeoutMs()));
    assertThat(fetcher.retries()).isEqualTo(config.fetchRetries());
    assertThat(fetcher.retryBackoff()).isEqualTo(Duration.ofMillis(config.fetchRetryBackoffMs()));
    assertThat(fetcher.maxRetryBackoff()).isEqualTo(Duration.ofMillis(config.fetchRetryBackoffMaxMs()));
  }
}
