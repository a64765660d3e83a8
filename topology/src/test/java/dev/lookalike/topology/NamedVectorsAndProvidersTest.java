package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.hosted.FoundryConfig;
import dev.lookalike.embedding.hosted.FoundryEmbedder;
import dev.lookalike.embedding.hosted.HostedClientConfig;
import dev.lookalike.embedding.hosted.RetryPolicy;
import dev.lookalike.embedding.onnx.OnnxImageEmbedder;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several named vectors side by side (a real ONNX model beside perceptual), and a hosted provider that is down. */
class NamedVectorsAndProvidersTest {

  @TempDir Path stateDir;

  private static Path squeezeNet() {
    Path model = Path.of(System.getProperty("lookalike.models.dir", "../../shared/models"), "squeezenet1.1-winml",
        "squeezenet1.1_fp32_embed.onnx");
    assertThat(model).as("the shared SqueezeNet model (see shared/models)").exists();
    return model;
  }

  private static byte[] kitten() throws IOException {
    return Files.readAllBytes(squeezeNet().resolveSibling("kitten_224.png"));
  }

  @Test
  void eachNamedVectorHasItsOwnStoreThresholdAndEvents() throws IOException {
    OnnxImageModelConfig squeeze = OnnxImageModelConfig.defaults(squeezeNet(), "data_0", "embedding")
        .withChannelOrder(OnnxImageModelConfig.ChannelOrder.BGR)
        .withPixelNormalization(1.0, OnnxImageModelConfig.NO_MEAN, OnnxImageModelConfig.NO_STD);
    List<Embedder> embedders = List.of(new PerceptualEmbedder(), new OnnxImageEmbedder("squeeze", squeeze));
    Map<String, Object> config = Map.of(
        "vectors", "perceptual,squeeze",
        "vector.perceptual.recommend.k", "0",
        "vector.squeeze.embedder", "onnx",
        "vector.squeeze.duplicate.threshold", "0.8",
        "vector.squeeze.recommend.k", "2");
    try (DriverHarness harness = new DriverHarness(stateDir, embedders, config, url -> new byte[0])) {
      BufferedImage kitten = TestImages.read(kitten());
      harness.upload("kitten", kitten(), 1000);
      harness.upload("kitten-small", TestImages.jpeg(TestImages.resize(kitten, 0.7), 80), 2000);
      harness.upload("fish", Files.readAllBytes(squeezeNet().resolveSibling("fish.png")), 3000);

      List<NearDuplicateDetected> pairs = harness.duplicates();
      assertThat(pairs).extracting(NearDuplicateDetected::getVectorName).containsExactlyInAnyOrder("perceptual", "squeeze");
      assertThat(pairs).allSatisfy(p -> {
        assertThat(p.getImageId()).isEqualTo("kitten-small");
        assertThat(p.getDuplicateOf()).isEqualTo("kitten");
      });
      List<KeyValue<String, Recommendations>> recs = harness.recommendations();
      assertThat(recs).allSatisfy(kv -> assertThat(kv.value.getVectorName()).isEqualTo("squeeze"));
      assertThat(recs.stream().filter(kv -> kv.key.equals("kitten")).reduce((a, b) -> b).orElseThrow().value.getItems().get(0)
          .getImageId()).isEqualTo("kitten-small");
      assertThat(harness.embedded()).allSatisfy(kv -> assertThat(kv.value.getVectors()).hasSize(2));
    }
  }

  @Test
  void aProviderThatStaysDownGivesRetriableDeadLettersAndTheStreamGoesOn() throws IOException {
    try (MockWebServer provider = new MockWebServer()) {
      provider.start();
      for (int i = 0; i < 2; i++) {
        provider.enqueue(new MockResponse().setResponseCode(503).setBody("{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"try later\"}}"));
      }
      FoundryConfig foundry = FoundryConfig.of(provider.url("/").toString(), "secret-key", "embed-v-4-0")
          .withDimensions(4, false)
          .withClient(HostedClientConfig.defaults().withRetry(RetryPolicy.noRetries(Duration.ofSeconds(5))));
      List<Embedder> embedders = List.of(new FoundryEmbedder("hosted", foundry));
      Map<String, Object> config = Map.of("vectors", "hosted", "vector.hosted.embedder", "foundry");
      try (DriverHarness harness = new DriverHarness(stateDir, embedders, config, url -> new byte[0])) {
        harness.upload("a", TestImages.encode(TestImages.generate(1), "png"), 1000);
        harness.upload("b", TestImages.encode(TestImages.generate(2), "png"), 2000);

        List<DeadLetter> letters = harness.deadLetters();
        assertThat(letters).extracting(DeadLetter::getKey).containsExactly("a", "b");
        assertThat(letters).allSatisfy(l -> {
          assertThat(l.getErrorCode()).isEqualTo("PROVIDER_UNAVAILABLE");
          assertThat(l.getRetriable()).isTrue();
          assertThat(l.getOriginalValue()).isNotNull();
          assertThat(l.getMessage()).doesNotContain("secret-key");
        });

        provider.enqueue(new MockResponse().setHeader("content-type", "application/json")
            .setBody("{\"data\":[{\"embedding\":[1,0,0,0],\"index\":0,\"object\":\"embedding\"}],\"model\":\"embed-v-4-0\"}"));
        harness.upload("c", TestImages.encode(TestImages.generate(3), "png"), 3000);
        assertThat(harness.embedded()).extracting(kv -> kv.key).containsExactly("c");
      }
    }
  }
}
