package dev.lookalike.server;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.hosted.AzureVisionConfig;
import dev.lookalike.embedding.hosted.AzureVisionEmbedder;
import dev.lookalike.embedding.hosted.CoreVizConfig;
import dev.lookalike.embedding.hosted.CoreVizEmbedder;
import dev.lookalike.embedding.hosted.FoundryConfig;
import dev.lookalike.embedding.hosted.FoundryEmbedder;
import dev.lookalike.embedding.hosted.HostedClientConfig;
import dev.lookalike.embedding.hosted.RetryPolicy;
import dev.lookalike.embedding.onnx.ClipEmbedder;
import dev.lookalike.embedding.onnx.OnnxImageEmbedder;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig;
import dev.lookalike.embedding.onnx.OnnxTextModelConfig;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/** Creates one embedder per configured named vector, from its {@code vector.<name>.*} settings. */
final class Embedders {

  private Embedders() {}

  static List<Embedder> create(LookalikeConfig config) {
    List<Embedder> embedders = new ArrayList<>();
    try {
      for (VectorConfig v : config.vectors()) embedders.add(create(v));
    } catch (RuntimeException e) {
      embedders.forEach(Embedder::close);
      throw e;
    }
    return List.copyOf(embedders);
  }

  static Embedder create(VectorConfig v) {
    return switch (v.embedder()) {
      case "perceptual" -> new NamedEmbedder(v.name(), new PerceptualEmbedder());
      case "onnx" -> new OnnxImageEmbedder(v.name(), onnx(v));
      case "clip" -> ClipEmbedder.open(v.name(), clipImage(v), clipText(v));
      case "azure-vision" -> new AzureVisionEmbedder(v.name(), azureVision(v));
      case "foundry" -> new FoundryEmbedder(v.name(), foundry(v));
      case "coreviz" -> new CoreVizEmbedder(v.name(), coreViz(v));
      default -> throw new ConfigException(key(v, VectorConfig.EMBEDDER), v.embedder(), "unknown embedder");
    };
  }

  static OnnxImageModelConfig onnx(VectorConfig v) {
    require(v, VectorConfig.MODEL_PATH, v.modelPath());
    return OnnxImageModelConfig.defaults(Path.of(v.modelPath()), blankToNull(v.inputName()), blankToNull(v.outputName()))
        .withSize(v.inputWidth(), v.inputHeight())
        .withLayout(OnnxImageModelConfig.Layout.valueOf(v.inputLayout()))
        .withChannelOrder(OnnxImageModelConfig.ChannelOrder.valueOf(v.channelOrder()))
        .withPixelNormalization(v.pixelScale(), doubles(v.mean()), doubles(v.std()))
        .withResizeMode(OnnxImageModelConfig.ResizeMode.valueOf(v.resize()))
        .withIntraOpThreads(v.intraOpThreads())
        .withBatchSize(v.batchSize());
  }

  /** CLIP's own preprocessing unless the user set a key: the image tower takes the onnx keys. */
  static OnnxImageModelConfig clipImage(VectorConfig v) {
    OnnxImageModelConfig c = ClipEmbedder.imageConfig(Path.of(require(v, VectorConfig.MODEL_PATH, v.modelPath())));
    if (v.isSet(VectorConfig.INPUT_NAME) || v.isSet(VectorConfig.OUTPUT_NAME)) {
      c = OnnxImageModelConfig.defaults(c.modelPath(), v.isSet(VectorConfig.INPUT_NAME) ? v.inputName() : c.inputName(),
              v.isSet(VectorConfig.OUTPUT_NAME) ? v.outputName() : c.outputName())
          .withSize(c.width(), c.height()).withChannelOrder(c.channelOrder()).withResizeMode(c.resizeMode())
          .withPixelNormalization(c.pixelScale(), c.mean(), c.std());
    }
    if (v.isSet(VectorConfig.INPUT_WIDTH) || v.isSet(VectorConfig.INPUT_HEIGHT)) c = c.withSize(v.inputWidth(), v.inputHeight());
    if (v.isSet(VectorConfig.RESIZE)) c = c.withResizeMode(OnnxImageModelConfig.ResizeMode.valueOf(v.resize()));
    if (v.isSet(VectorConfig.MEAN) || v.isSet(VectorConfig.STD) || v.isSet(VectorConfig.PIXEL_SCALE)) {
      c = c.withPixelNormalization(v.pixelScale(), doubles(v.mean()), doubles(v.std()));
    }
    return c.withIntraOpThreads(v.intraOpThreads());
  }

  static OnnxTextModelConfig clipText(VectorConfig v) {
    OnnxTextModelConfig c = ClipEmbedder.textConfig(Path.of(require(v, VectorConfig.TEXT_MODEL_PATH, v.textModelPath())),
            Path.of(require(v, VectorConfig.TOKENIZER_PATH, v.tokenizerPath())))
        .withOutputName(v.textOutputName())
        .withMaxLength(v.textMaxLength());
    return v.textAttentionMask() ? c : c.withoutAttentionMask();
  }

  private static AzureVisionConfig azureVision(VectorConfig v) {
    AzureVisionConfig c = AzureVisionConfig.of(require(v, VectorConfig.ENDPOINT, v.endpoint()), require(v, VectorConfig.API_KEY, v.apiKey()))
        .withClient(client(v));
    if (!v.model().isEmpty()) c = c.withModelVersion(v.model());
    if (v.dimensions() > 0) c = c.withDimensions(v.dimensions());
    return c;
  }

  private static FoundryConfig foundry(VectorConfig v) {
    FoundryConfig c = FoundryConfig.of(require(v, VectorConfig.ENDPOINT, v.endpoint()), require(v, VectorConfig.API_KEY, v.apiKey()),
            require(v, VectorConfig.MODEL, v.model()))
        .withAuth(v.auth().equals("bearer") ? FoundryConfig.Auth.BEARER : FoundryConfig.Auth.API_KEY)
        .withClient(client(v));
    if (!v.apiVersion().isEmpty()) c = c.withApiVersion(v.apiVersion());
    if (v.dimensions() > 0) c = c.withDimensions(v.dimensions(), false);
    return c;
  }

  private static CoreVizConfig coreViz(VectorConfig v) {
    CoreVizConfig c = (v.endpoint().isEmpty() ? CoreVizConfig.of(require(v, VectorConfig.API_KEY, v.apiKey()))
        : CoreVizConfig.of(v.endpoint(), require(v, VectorConfig.API_KEY, v.apiKey()))).withClient(client(v));
    if (!v.model().isEmpty()) c = c.withModel(v.model());
    if (v.dimensions() > 0) c = c.withDimensions(v.dimensions());
    return c;
  }

  private static HostedClientConfig client(VectorConfig v) {
    return HostedClientConfig.defaults().withRetry(RetryPolicy.defaults().withDeadline(Duration.ofMillis(v.timeoutMs())));
  }

  private static String require(VectorConfig v, String key, String value) {
    if (value == null || value.isBlank()) throw new ConfigException(key(v, key), "", "required for embedder " + v.embedder());
    return value;
  }

  private static String key(VectorConfig v, String key) {
    return "vector." + v.name() + "." + key;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static List<Double> doubles(float[] values) {
    List<Double> out = new ArrayList<>();
    for (float x : values) out.add((double) x);
    return out;
  }

  /** Gives an embedder the name of the named vector it serves. */
  private record NamedEmbedder(String name, Embedder delegate) implements Embedder {
    @Override public String modelId() { return delegate.modelId(); }
    @Override public int dimensions() { return delegate.dimensions(); }
    @Override public float[] embed(dev.lookalike.embedding.image.DecodedImage image) { return delegate.embed(image); }
    @Override public boolean supportsText() { return delegate.supportsText(); }
    @Override public float[] embedText(String text) { return delegate.embedText(text); }
    @Override public void close() { delegate.close(); }
  }
}
