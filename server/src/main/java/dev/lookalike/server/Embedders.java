package dev.lookalike.server;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/** Creates one embedder per configured named vector. */
final class Embedders {

  private Embedders() {}

  static List<Embedder> create(LookalikeConfig config) {
    List<Embedder> embedders = new ArrayList<>();
    for (VectorConfig v : config.vectors()) embedders.add(create(v));
    return List.copyOf(embedders);
  }

  private static Embedder create(VectorConfig v) {
    return switch (v.embedder()) {
      case "perceptual" -> new NamedEmbedder(v.name(), new PerceptualEmbedder());
      default -> throw new ConfigException("vector." + v.name() + ".embedder", v.embedder(), "unknown embedder; available: perceptual");
    };
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
