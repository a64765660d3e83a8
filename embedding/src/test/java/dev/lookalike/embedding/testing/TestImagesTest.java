package dev.lookalike.embedding.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lookalike.embedding.image.ImageFormat;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import org.junit.jupiter.api.Test;

class TestImagesTest {

    @Test
    void theSameSeedGivesTheSamePixels() {
        assertThat(pixels(TestImages.generate(77))).containsExactly(pixels(TestImages.generate(77)));
    }

    @Test
    void differentSeedsGiveDifferentImages() {
        BufferedImage a = TestImages.generate(1, 200, 150);
        BufferedImage b = TestImages.generate(2, 200, 150);

        assertThat(meanAbsoluteDifference(a, b)).isGreaterThan(20);
    }

    @Test
    void editsChangeGeometryAsDocumented() {
        BufferedImage image = TestImages.generate(3, 400, 300);

        BufferedImage half = TestImages.resize(image, 0.5);
        BufferedImage cropped = TestImages.crop(image, 0.8, 0, 1);

        assertThat(half.getWidth()).isEqualTo(200);
        assertThat(half.getHeight()).isEqualTo(150);
        assertThat(cropped.getWidth() * cropped.getHeight() / (400.0 * 300)).isCloseTo(0.8, within(0.01));
        assertThat(cropped.getRGB(0, cropped.getHeight() - 1))
                .as("bottom-left anchored").isEqualTo(image.getRGB(0, 299));
    }

    @Test
    void brightnessAndContrastMoveChannelValues() {
        BufferedImage image = TestImages.generate(4, 100, 100);
        double mean = meanLevel(image);

        assertThat(meanLevel(TestImages.brightness(image, 0.8))).isCloseTo(mean * 0.8, within(2.0));
        assertThat(spread(TestImages.contrast(image, 0.8))).isLessThan(spread(image));
    }

    @Test
    void overlaysChangeOnlyPartOfTheImage() {
        BufferedImage image = TestImages.generate(5, 400, 300);

        double captioned = changedFraction(image, TestImages.overlayText(image, "@lookalike 2024"));
        double watermarked = changedFraction(image, TestImages.watermark(image, "SAMPLE"));

        assertThat(captioned).isBetween(0.01, 0.15);
        assertThat(watermarked).isBetween(0.01, 0.10);
    }

    @Test
    void encodesEachFormatWithItsMagicBytes() {
        BufferedImage image = TestImages.generate(6, 60, 40);

        assertThat(ImageFormat.sniff(TestImages.encode(image, "png"))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(TestImages.jpeg(image, 30))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(TestImages.encode(image, "gif"))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.sniff(TestImages.encode(image, "bmp"))).contains(ImageFormat.BMP);
        assertThat(TestImages.jpeg(image, 30).length).isLessThan(TestImages.jpeg(image, 95).length);
    }

    private static int[] pixels(BufferedImage image) {
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    private static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((p >> shift & 0xFF) - (q >> shift & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    private static double changedFraction(BufferedImage a, BufferedImage b) {
        long changed = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    changed++;
                }
            }
        }
        return (double) changed / (a.getWidth() * a.getHeight());
    }

    private static double meanLevel(BufferedImage image) {
        double sum = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                sum += ((p >> 16 & 0xFF) + (p >> 8 & 0xFF) + (p & 0xFF)) / 3.0;
            }
        }
        return sum / (image.getWidth() * image.getHeight());
    }

    private static double spread(BufferedImage image) {
        double mean = meanLevel(image);
        double sum = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                double v = ((p >> 16 & 0xFF) + (p >> 8 & 0xFF) + (p & 0xFF)) / 3.0;
                sum += (v - mean) * (v - mean);
            }
        }
        return Math.sqrt(sum / (image.getWidth() * image.getHeight()));
    }
}
