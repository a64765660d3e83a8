package dev.lookalike.embedding.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lookalike.embedding.onnx.OnnxImageModelConfig.ChannelOrder;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.Layout;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.ResizeMode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tensor a config asks for, checked value by value on tiny synthetic images; no model needed. */
class ImagePreprocessorTest {

    private static final Path NO_MODEL = Path.of("unused.onnx");

    /** Two pixels side by side: (10,20,30) and (200,100,50). */
    private static BufferedImage twoPixels() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x0A141E);
        image.setRGB(1, 0, 0xC86432);
        return image;
    }

    /** A 2x1 input taking raw 0..255 values, so the tensor shows layout and channel order plainly. */
    private static OnnxImageModelConfig raw(Layout layout, ChannelOrder order) {
        return OnnxImageModelConfig.defaults(NO_MODEL, "in", "out").withSize(2, 1).withLayout(layout)
                .withChannelOrder(order)
                .withPixelNormalization(1.0, OnnxImageModelConfig.NO_MEAN, OnnxImageModelConfig.NO_STD);
    }

    private static float[] tensor(OnnxImageModelConfig config, BufferedImage image) {
        return new ImagePreprocessor(config).tensor(image);
    }

    @Test
    void nchwPutsOneChannelPlaneAfterTheOther() {
        assertThat(tensor(raw(Layout.NCHW, ChannelOrder.RGB), twoPixels()))
                .containsExactly(10, 200, 20, 100, 30, 50);
        assertThat(tensor(raw(Layout.NCHW, ChannelOrder.BGR), twoPixels()))
                .containsExactly(30, 50, 20, 100, 10, 200);
    }

    @Test
    void nhwcInterleavesTheChannelsOfEachPixel() {
        assertThat(tensor(raw(Layout.NHWC, ChannelOrder.RGB), twoPixels()))
                .containsExactly(10, 20, 30, 200, 100, 50);
        assertThat(tensor(raw(Layout.NHWC, ChannelOrder.BGR), twoPixels()))
                .containsExactly(30, 20, 10, 50, 100, 200);
    }

    @Test
    void scalesThenAppliesMeanAndStdGivenInRgbOrderWhateverTheChannelOrder() {
        OnnxImageModelConfig config = raw(Layout.NHWC, ChannelOrder.BGR)
                .withPixelNormalization(1.0 / 255, List.of(0.5, 0.25, 0.0), List.of(0.5, 0.25, 2.0));

        float[] values = tensor(config, twoPixels());

        // first pixel, B G R: (30/255 - 0) / 2, (20/255 - 0.25) / 0.25, (10/255 - 0.5) / 0.5
        assertThat(values[0]).isCloseTo((float) (30 / 255.0 / 2), within(1e-6f));
        assertThat(values[1]).isCloseTo((float) ((20 / 255.0 - 0.25) / 0.25), within(1e-6f));
        assertThat(values[2]).isCloseTo((float) ((10 / 255.0 - 0.5) / 0.5), within(1e-6f));
        assertThat(values[5]).isCloseTo((float) ((200 / 255.0 - 0.5) / 0.5), within(1e-6f));
    }

    @Test
    void theImageNetDefaultsGiveTheTorchvisionValues() {
        OnnxImageModelConfig config = OnnxImageModelConfig.defaults(NO_MODEL, null, null).withSize(2, 1);

        float[] values = tensor(config, twoPixels());

        assertThat(values).hasSize(6);
        assertThat(values[0]).isCloseTo((float) ((10 / 255.0 - 0.485) / 0.229), within(1e-6f)); // R of pixel 0
        assertThat(values[3]).isCloseTo((float) ((100 / 255.0 - 0.456) / 0.224), within(1e-6f)); // G of pixel 1
        assertThat(values[5]).isCloseTo((float) ((50 / 255.0 - 0.406) / 0.225), within(1e-6f)); // B of pixel 1
    }

    @Test
    void laysTransparencyOverWhite() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00000000); // fully transparent black
        image.setRGB(1, 0, 0x80000000); // half transparent black

        float[] values = tensor(raw(Layout.NHWC, ChannelOrder.RGB), image);

        assertThat(values).containsExactly(255, 255, 255, 127, 127, 127);
    }

    @Test
    void letterboxKeepsTheAspectRatioAndPadsWithWhite() {
        BufferedImage wide = filled(4, 2, Color.RED);
        OnnxImageModelConfig config = raw(Layout.NCHW, ChannelOrder.RGB).withSize(4, 4)
                .withResizeMode(ResizeMode.LETTERBOX);

        BufferedImage fitted = new ImagePreprocessor(config).fit(wide);

        assertThat(fitted.getWidth()).isEqualTo(4);
        assertThat(fitted.getHeight()).isEqualTo(4);
        for (int x = 0; x < 4; x++) {
            assertThat(fitted.getRGB(x, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
            assertThat(fitted.getRGB(x, 1) & 0xFFFFFF).isEqualTo(0xFF0000);
            assertThat(fitted.getRGB(x, 2) & 0xFFFFFF).isEqualTo(0xFF0000);
            assertThat(fitted.getRGB(x, 3) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        }
    }

    @Test
    void centerCropKeepsTheMiddleAfterFittingTheShorterSide() {
        BufferedImage stripes = new BufferedImage(6, 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = stripes.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, 2, 2);
        g.setColor(Color.RED);
        g.fillRect(2, 0, 2, 2);
        g.setColor(Color.GREEN);
        g.fillRect(4, 0, 2, 2);
        g.dispose();
        OnnxImageModelConfig config = raw(Layout.NCHW, ChannelOrder.RGB).withSize(2, 2)
                .withResizeMode(ResizeMode.CENTER_CROP);

        assertThat(tensor(config, stripes)).containsExactly(255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void stretchFillsTheInputFromTheWholeImage() {
        BufferedImage halves = new BufferedImage(60, 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = halves.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, 30, 20);
        g.setColor(Color.GREEN);
        g.fillRect(30, 0, 30, 20);
        g.dispose();
        OnnxImageModelConfig config = raw(Layout.NHWC, ChannelOrder.RGB).withSize(2, 2);

        float[] values = tensor(config, halves);

        // NHWC 2x2: pixels (0,0) (1,0) (0,1) (1,1); left column mostly blue, right mostly green, no padding
        for (int row = 0; row < 2; row++) {
            int left = row * 6;
            int right = left + 3;
            assertThat(values[left]).isZero();
            assertThat(values[left + 2]).isGreaterThan(200).isGreaterThan(values[left + 1] + 150);
            assertThat(values[right]).isZero();
            assertThat(values[right + 1]).isGreaterThan(200).isGreaterThan(values[right + 2] + 150);
        }
    }

    @Test
    void downscalesLargeImagesWithoutLosingTheirAverageColour() {
        BufferedImage checker = new BufferedImage(1000, 1000, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 1000; y++) {
            for (int x = 0; x < 1000; x++) {
                checker.setRGB(x, y, (x + y) % 2 == 0 ? 0xFFFFFF : 0x000000);
            }
        }
        OnnxImageModelConfig config = raw(Layout.NCHW, ChannelOrder.RGB).withSize(10, 10);

        float[] values = tensor(config, checker);

        for (float v : values) {
            assertThat(v).isCloseTo(127.5f, within(3f)); // a single bilinear step would alias to 0 or 255
        }
    }

    @Test
    void validatesTheConfig() {
        OnnxImageModelConfig base = OnnxImageModelConfig.defaults(NO_MODEL, " ", "");
        assertThat(base.inputName()).isNull();
        assertThat(base.outputName()).isNull();
        assertThat(base.l2Normalize()).isTrue();
        assertThat(base.intraOpThreads()).isEqualTo(1);

        assertThatThrownBy(() -> base.withSize(0, 224)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withPixelNormalization(1.0, List.of(0.0, 0.0), List.of(1.0, 1.0, 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mean needs exactly 3");
        assertThatThrownBy(() -> base.withPixelNormalization(1.0, List.of(0.0, 0.0, 0.0), List.of(1.0, 0.0, 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("std values must be > 0");
        assertThatThrownBy(() -> base.withPixelNormalization(0, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pixelScale");
        assertThatThrownBy(() -> base.withIntraOpThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withLayout(null)).isInstanceOf(NullPointerException.class);
    }

    private static BufferedImage filled(int width, int height, Color colour) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }
}
