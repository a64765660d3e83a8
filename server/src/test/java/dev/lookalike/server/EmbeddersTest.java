package dev.lookalike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Named vectors come from configuration alone: the README's model settings, as a user writes them. */
class EmbeddersTest {

  private static final Path SQUEEZENET = Path.of(System.getProperty("lookalike.models.dir", "../../shared/models"), "squeezenet1.1-winml");

  @Test
  void theReadmeSqueezeNetSettingsGiveA512DimensionalNamedVector() throws Exception {
    LookalikeConfig config = LookalikeConfig.of(Map.of(
        "vectors", "perceptual,squeeze",
        "vector.squeeze.embedder", "onnx",
        "vector.squeeze.model.path", SQUEEZENET.resolve("squeezenet1.1_fp32_embed.onnx").toString(),
        "vector.squeeze.input.name", "data_0",
        "vector.squeeze.output.name", "embedding",
        "vector.squeeze.channel.order", "BGR",
        "vector.squeeze.pixel.scale", "1",
        "vector.squeeze.mean", "0,0,0",
        "vector.squeeze.std", "1,1,1"));
    List<Embedder> embedders = Embedders.create(config);
    try {
      assertThat(embedders).extracting(Embedder::name).containsExactly("perceptual", "squeeze");
      Embedder squeeze = embedders.get(1);
      assertThat(squeeze.dimensions()).isEqualTo(512);
      assertThat(squeeze.modelId()).startsWith("onnx:squeezenet1.1_fp32_embed.onnx");
      float[] v = squeeze.embed(new ImageDecoder().decode(Files.readAllBytes(SQUEEZENET.resolve("kitten_224.png"))));
      double norm = 0;
      for (float x : v) norm += x * x;
      assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    } finally {
      embedders.forEach(Embedder::close);
    }
  }

  @Test
  void missingSettingsNameTheKey() {
    assertThatThrownBy(() -> Embedders.create(LookalikeConfig.of(Map.of("vectors", "v", "vector.v.embedder", "onnx"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("vector.v.model.path");
    assertThatThrownBy(() -> Embedders.create(LookalikeConfig.of(Map.of("vectors", "v", "vector.v.embedder", "foundry",
        "vector.v.endpoint", "https://example.invalid", "vector.v.model", "m"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("vector.v.api.key");
    assertThatThrownBy(() -> LookalikeConfig.of(Map.of("vectors", "v", "vector.v.embedder", "clip-magic")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("embedder");
  }
}
