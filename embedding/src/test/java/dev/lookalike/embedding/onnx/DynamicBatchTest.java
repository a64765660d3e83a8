package dev.lookalike.embedding.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.ChannelOrder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real batching and dynamic shapes, on a hand-written model that outputs each channel's mean. */
class DynamicBatchTest {

    @TempDir
    Path dir;

    private OnnxImageModelConfig config(Path model) {
        return OnnxImageModelConfig.defaults(model, null, null).withSize(8, 6).withChannelOrder(ChannelOrder.BGR)
                .withPixelNormalization(1.0, OnnxImageModelConfig.NO_MEAN, OnnxImageModelConfig.NO_STD)
                .withL2Normalize(false).withBatchSize(4);
    }

    private static DecodedImage solid(int rgb) {
        BufferedImage image = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, 16, 12);
        g.dispose();
        return DecodedImage.of(image, "png");
    }

    @Test
    void runsUpToBatchSizeImagesPerRunAndKeepsTheirOrder() throws Exception {
        try (OnnxImageEmbedder embedder = new OnnxImageEmbedder("means",
                config(TinyOnnxModel.write(dir.resolve("means.onnx"), 3)))) {
            assertThat(embedder.maxBatch()).isEqualTo(4);
            assertThat(embedder.dimensions()).isEqualTo(3);
            List<DecodedImage> images = IntStream.range(0, 10).mapToObj(i -> solid(i * 20 << 16 | i << 8 | 7))
                    .toList();

            List<float[]> vectors = embedder.embedBatch(images); // runs of 4, 4 and 2

            assertThat(vectors).hasSize(10);
            for (int i = 0; i < 10; i++) {
                assertThat(vectors.get(i)).as("image %d, BGR channel means", i)
                        .containsExactly(new float[] {7, i, i * 20}, within(1e-4f));
                assertThat(embedder.embed(images.get(i))).containsExactly(vectors.get(i), within(1e-5f));
            }
        }
    }

    @Test
    void normalizesTheOutputByDefault() throws Exception {
        Path model = TinyOnnxModel.write(dir.resolve("means.onnx"), 3);
        try (OnnxImageEmbedder embedder = new OnnxImageEmbedder("means", config(model).withL2Normalize(true))) {
            assertThat(embedder.embed(solid(0x000304))).containsExactly(new float[] {0.8f, 0.6f, 0}, within(1e-6f));
        }
    }

    @Test
    void refusesAnOutputWhoseSizeIsNotFixed() throws Exception {
        Path model = TinyOnnxModel.write(dir.resolve("open.onnx"), -1);

        assertThatThrownBy(() -> new OnnxImageEmbedder("open", config(model)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("output 'channel_means' has shape [?,?]")
                .hasMessageContaining("must be fixed");
    }
}
