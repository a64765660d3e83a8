package dev.lookalike.embedding.perceptual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lookalike.embedding.Vectors;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.testing.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PerceptualEmbedderTest {

    private final PerceptualEmbedder embedder = new PerceptualEmbedder();

    private float[] embed(BufferedImage image) {
        return embedder.embed(DecodedImage.of(image, "png"));
    }

    @Test
    void describesItself() {
        assertThat(embedder.name()).isEqualTo("perceptual");
        assertThat(embedder.modelId()).isEqualTo("perceptual-v1");
        assertThat(embedder.dimensions()).isEqualTo(160).isLessThanOrEqualTo(512);
        assertThat(embedder.supportsText()).isFalse();
        assertThatThrownBy(() -> embedder.embedText("a cat")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void returnsUnitVectorsOfTheDeclaredDimension() {
        for (int seed = 0; seed < 20; seed++) {
            float[] vector = embed(TestImages.generate(seed));

            assertThat(vector).hasSize(embedder.dimensions());
            assertThat(Vectors.dot(vector, vector)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void isDeterministicAcrossCallsAndInstances() {
        BufferedImage image = TestImages.generate(42);

        assertThat(embed(image)).containsExactly(embed(TestImages.generate(42)));
        assertThat(new PerceptualEmbedder().embed(DecodedImage.of(image, "png"))).containsExactly(embed(image));
    }

    @Test
    void isSafeToShareBetweenThreads() {
        List<BufferedImage> images = IntStream.range(0, 16).mapToObj(TestImages::generate).toList();
        List<float[]> sequential = images.stream().map(this::embed).toList();

        List<float[]> parallel = images.parallelStream().map(this::embed).toList();

        for (int i = 0; i < images.size(); i++) {
            assertThat(parallel.get(i)).containsExactly(sequential.get(i));
        }
    }

    @Test
    void blankImagesEmbedAsTheZeroVector() {
        BufferedImage white = solid(Color.WHITE, 200, 100);

        assertThat(Vectors.dot(embed(white), embed(white))).isZero();
        assertThat(Vectors.dot(embed(solid(Color.RED, 50, 50)), embed(solid(Color.RED, 300, 200))))
                .as("a flat colour still has its colour").isCloseTo(1.0, within(1e-5));
    }

    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_ARGB,
            BufferedImage.TYPE_INT_BGR, BufferedImage.TYPE_USHORT_565_RGB})
    void readsEveryPixelLayoutAlike(int type) {
        BufferedImage rgb = TestImages.generate(5);

        assertThat(Vectors.dot(embed(convert(rgb, type)), embed(rgb))).isGreaterThan(0.999);
    }

    @Test
    void readsGreyImagesByTheirStoredValues() {
        BufferedImage grey = convert(TestImages.generate(6), BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage greyAsRgb = new BufferedImage(grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                int v = grey.getRaster().getSample(x, y, 0);
                greyAsRgb.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }

        assertThat(Vectors.dot(embed(grey), embed(greyAsRgb))).isGreaterThan(0.9999);
    }

    @Test
    void laysTransparencyOverWhite() {
        BufferedImage logo = new BufferedImage(120, 80, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = logo.createGraphics();
        g.setColor(new Color(20, 60, 200));
        g.fillOval(20, 10, 80, 60);
        g.dispose();

        assertThat(Vectors.dot(embed(logo), embed(TestImages.toRgb(logo)))).isGreaterThan(0.9999);
    }

    @Test
    void toleratesTinyAndExtremeAspectImages() {
        assertThat(Vectors.dot(embed(TestImages.generate(7, 9, 5)), embed(TestImages.generate(7, 9, 5))))
                .isCloseTo(1.0, within(1e-5));
        float[] strip = embed(TestImages.generate(8, 4000, 40));
        assertThat(Vectors.dot(strip, strip)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void survivesADecodeRoundTripThroughEveryFormat() {
        BufferedImage image = TestImages.generate(9);
        ImageDecoder decoder = new ImageDecoder();
        for (String format : List.of("png", "jpeg", "gif", "bmp")) {
            float[] decoded = embedder.embed(decoder.decode(TestImages.encode(image, format)));

            assertThat(Vectors.dot(decoded, embed(image))).as(format)
                    .isGreaterThan(PerceptualEmbedder.DEFAULT_DUPLICATE_THRESHOLD);
        }
    }

    @Test
    void separatesUnrelatedImages() {
        double similarity = Vectors.dot(embed(TestImages.generate(10)), embed(TestImages.generate(11)));

        assertThat(similarity).isLessThan(PerceptualEmbedder.DEFAULT_DUPLICATE_THRESHOLD);
    }

    private static BufferedImage solid(Color color, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    private static BufferedImage convert(BufferedImage source, int type) {
        BufferedImage converted = new BufferedImage(source.getWidth(), source.getHeight(), type);
        Graphics2D g = converted.createGraphics();
        g.drawImage(source, 0, 0, null);
        g.dispose();
        return converted;
    }
}
