package dev.lookalike.bench.index;

import dev.lookalike.bench.RealImageSet;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.onnx.OnnxImageEmbedder;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.ChannelOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Real image embeddings: the shared SqueezeNet 1.1 (512-d {@code embedding} output, L2-normalized
 * by the embedder) over every usable PNG of a folder tree (Debian's openclipart-png here), chosen
 * by {@link RealImageSet} so pixel-identical copies count once. Preprocessing is the WinML
 * convention of the model's PROVENANCE.md, as the embedding module's SqueezeNet tests use it.
 */
final class RealEmbeddings {

  static final String MODEL_FOLDER = "squeezenet1.1-winml";
  static final String MODEL_FILE = "squeezenet1.1_fp32_embed.onnx";

  private RealEmbeddings() {}

  record Embedded(List<String> names, float[][] vectors) {}

  static Embedded embedAll(Path pngRoot, Path modelsDir, int threads) throws Exception {
    long start = System.nanoTime();
    RealImageSet set = RealImageSet.select(pngRoot, Integer.MAX_VALUE);
    int n = set.files().size();
    System.err.printf("  %d usable images in %d folders under %s (%.0f s to select)%n", n, set.folders(), pngRoot,
        (System.nanoTime() - start) / 1e9);
    Path model = modelsDir.resolve(MODEL_FOLDER).resolve(MODEL_FILE);
    if (!Files.isRegularFile(model)) throw new IllegalStateException("model not found: " + model);
    OnnxImageModelConfig config = OnnxImageModelConfig.defaults(model, "data_0", "embedding")
        .withChannelOrder(ChannelOrder.BGR)
        .withPixelNormalization(1.0, OnnxImageModelConfig.NO_MEAN, OnnxImageModelConfig.NO_STD);
    float[][] vectors = new float[n][];
    AtomicInteger done = new AtomicInteger();
    long embedStart = System.nanoTime();
    // One intra-op thread per run and one run per worker: the images are independent.
    try (OnnxImageEmbedder embedder = new OnnxImageEmbedder("squeezenet", config)) {
      ForkJoinPool pool = new ForkJoinPool(threads);
      try {
        pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> {
          vectors[i] = embedder.embed(DecodedImage.of(set.load(i), "png"));
          int d = done.incrementAndGet();
          if (d % 500 == 0 || d == n) {
            double s = (System.nanoTime() - embedStart) / 1e9;
            System.err.printf("  embedded %d/%d, %.0f s, about %.0f s left%n", d, n, s, s / d * (n - d));
          }
        })).get();
      } finally {
        pool.shutdown();
      }
    }
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) names.add(set.name(i));
    return new Embedded(names, vectors);
  }
}
