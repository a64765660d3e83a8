package dev.lookalike.embedding.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.embedding.testing.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();
    private final BufferedImage quadrants = quadrants();

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "gif", "bmp", "tiff"})
    void decodesEveryWritableFormatWithItsColours(String format) throws IOException {
        byte[] bytes = format.equals("tiff") ? tiff(quadrants) : TestImages.encode(quadrants, format);

        DecodedImage decoded = decoder.decode(bytes);

        assertThat(decoded.format()).isEqualTo(format);
        assertThat(decoded.width()).isEqualTo(64);
        assertThat(decoded.height()).isEqualTo(48);
        assertQuadrantColours(decoded.image());
    }

    @Test
    void decodesLossyWebp() throws IOException {
        DecodedImage decoded = decoder.decode(resource("quadrants-lossy.webp"));

        assertThat(decoded.format()).isEqualTo("webp");
        assertThat(decoded.width()).isEqualTo(64);
        assertThat(decoded.height()).isEqualTo(48);
        assertQuadrantColours(decoded.image());
    }

    @Test
    void decodesLosslessWebpWithAlpha() throws IOException {
        DecodedImage decoded = decoder.decode(resource("quadrants-lossless-alpha.webp"));

        assertQuadrantColours(decoded.image());
        assertThat(decoded.image().getRGB(62, 46) >>> 24).as("transparent corner alpha").isZero();
    }

    @Test
    void decodesAdobeCmykJpeg() throws IOException {
        DecodedImage decoded = decoder.decode(cmykJpeg());

        assertThat(decoded.format()).isEqualTo("jpeg");
        assertClose(decoded.image().getRGB(4, 8), Color.CYAN);
        assertClose(decoded.image().getRGB(28, 8), Color.YELLOW);
    }

    @Test
    void readsOnlyTheFirstGifFrame() throws IOException {
        byte[] gif = TwoFrameGif.write(Color.RED, Color.BLUE);

        DecodedImage decoded = decoder.decode(gif);

        assertClose(decoded.image().getRGB(8, 8), Color.RED);
    }

    @Test
    void sniffsTheFormatFromMagicBytesNotTheName() {
        byte[] png = TestImages.encode(quadrants, "png");

        assertThat(ImageFormat.sniff(png)).contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(TestImages.encode(quadrants, "jpeg"))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff("GIF89a......".getBytes())).contains(ImageFormat.GIF);
        assertThat(ImageFormat.sniff("<svg xmlns=...>".getBytes())).isEmpty();
    }

    @Test
    void refusesZeroBytes() {
        assertError(new byte[0], ImageErrorCode.EMPTY_IMAGE);
    }

    @Test
    void refusesUnknownFormats() {
        assertError("<html><body>not an image</body></html>".getBytes(), ImageErrorCode.UNSUPPORTED_FORMAT);
    }

    @Test
    void refusesCorruptDataBehindValidMagic() {
        byte[] bytes = TestImages.encode(quadrants, "png");
        Arrays.fill(bytes, 16, bytes.length, (byte) 0x5A);

        assertError(bytes, ImageErrorCode.UNDECODABLE_IMAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
    void refusesTruncatedImages(String format) {
        byte[] bytes = TestImages.encode(TestImages.generate(3), format);

        assertError(Arrays.copyOf(bytes, bytes.length / 2), ImageErrorCode.UNDECODABLE_IMAGE);
    }

    @Test
    void acceptsAJpegThatOnlyLacksItsEndMarker() {
        byte[] bytes = TestImages.encode(quadrants, "jpeg");

        assertThat(decoder.decode(Arrays.copyOf(bytes, bytes.length - 2)).width()).isEqualTo(64);
    }

    @Test
    void refusesPixelBombsFromTheHeaderAlone() {
        byte[] bomb = PixelBomb.png(50_000, 50_000);
        assertThat(bomb.length).isLessThan(100);

        ImageLoadException error = assertError(bomb, ImageErrorCode.TOO_MANY_PIXELS);
        assertThat(error.getMessage()).contains("50000x50000");
    }

    @Test
    void refusesAJpegWithMoreScansThanAnyEncoderWrites() throws IOException {
        byte[] bomb = progressiveJpegWithExtraScans(512, ImageDecoder.MAX_JPEG_SCANS + 50);

        long start = System.nanoTime();
        ImageLoadException error = assertError(bomb, ImageErrorCode.UNDECODABLE_IMAGE);
        assertThat(error.getMessage()).contains("more than " + ImageDecoder.MAX_JPEG_SCANS + " scans");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(500);
    }

    @Test
    void decodesProgressiveJpegsWithTheirUsualScans() throws IOException {
        byte[] progressive = progressiveJpegWithExtraScans(64, 0);

        assertThat(decoder.decode(progressive).width()).isEqualTo(64);
    }

    @Test
    void namesTheReaderMessageBehindTheGenericOne() {
        // The PNG reader says "I/O error reading PNG header!" and keeps "Image width <= 0!" as the cause.
        byte[] zeroWidth = PixelBomb.png(0, 10);

        assertThat(assertError(zeroWidth, ImageErrorCode.UNDECODABLE_IMAGE).getMessage()).contains("Image width <= 0");
        assertThat(assertError(Arrays.copyOf(TestImages.encode(quadrants, "bmp"), 100), ImageErrorCode.UNDECODABLE_IMAGE)
                .getMessage()).contains("truncated");
    }

    @Test
    void refusesMoreBytesThanTheLimit() {
        ImageDecoder small = new ImageDecoder(new DecodeLimits(100, DecodeLimits.DEFAULT_MAX_PIXELS));

        assertThatThrownBy(() -> small.decode(TestImages.encode(quadrants, "bmp")))
                .isInstanceOfSatisfying(ImageLoadException.class,
                        e -> assertThat(e.code()).isEqualTo(ImageErrorCode.IMAGE_TOO_LARGE));
    }

    @Test
    void contentErrorsAreNotRetriable() {
        assertThat(assertError(new byte[0], ImageErrorCode.EMPTY_IMAGE).retriable()).isFalse();
        assertThat(assertError(PixelBomb.png(50_000, 50_000), ImageErrorCode.TOO_MANY_PIXELS).retriable()).isFalse();
    }

    private ImageLoadException assertError(byte[] bytes, ImageErrorCode code) {
        try {
            decoder.decode(bytes);
        } catch (ImageLoadException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            return e;
        }
        throw new AssertionError("expected " + code);
    }

    /** A grey progressive JPEG plus {@code extra} empty refinement scans, each one more pass over every pixel. */
    private static byte[] progressiveJpegWithExtraScans(int size, int extra) throws IOException {
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var stream = new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            var param = writer.getDefaultWriteParam();
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new javax.imageio.IIOImage(new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY), null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = out.toByteArray();
        int last = -1;
        for (int i = 0; i < jpeg.length - 1; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                last = i;
            }
        }
        byte[] scan = Arrays.copyOfRange(jpeg, last, last + 2 + (((jpeg[last + 2] & 0xFF) << 8) | (jpeg[last + 3] & 0xFF)));
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        bomb.write(jpeg, 0, jpeg.length - 2);
        for (int i = 0; i < extra; i++) {
            bomb.write(scan);
            bomb.write(0);
        }
        bomb.write(0xFF);
        bomb.write(0xD9);
        return bomb.toByteArray();
    }

    static BufferedImage quadrants() {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(220, 30, 30));
        g.fillRect(0, 0, 32, 24);
        g.setColor(new Color(30, 200, 40));
        g.fillRect(32, 0, 32, 24);
        g.setColor(new Color(30, 40, 210));
        g.fillRect(0, 24, 32, 24);
        g.setColor(Color.WHITE);
        g.fillRect(32, 24, 32, 24);
        g.dispose();
        return image;
    }

    /** Samples well inside each quadrant, so compression at the borders does not matter. */
    private static void assertQuadrantColours(BufferedImage image) {
        assertClose(image.getRGB(8, 8), new Color(220, 30, 30));
        assertClose(image.getRGB(56, 8), new Color(30, 200, 40));
        assertClose(image.getRGB(8, 40), new Color(30, 40, 210));
        assertClose(image.getRGB(40, 30), Color.WHITE);
    }

    private static void assertClose(int argb, Color expected) {
        Color actual = new Color(argb);
        assertThat(Math.abs(actual.getRed() - expected.getRed())).as("red of " + actual).isLessThan(24);
        assertThat(Math.abs(actual.getGreen() - expected.getGreen())).as("green of " + actual).isLessThan(24);
        assertThat(Math.abs(actual.getBlue() - expected.getBlue())).as("blue of " + actual).isLessThan(24);
    }

    private static byte[] tiff(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "tiff", out)).isTrue();
        return out.toByteArray();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ImageDecoderTest.class.getResourceAsStream("/images/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    /**
     * An Adobe-style CMYK JPEG (APP14 "Adobe", transform 0, inverted values as Photoshop
     * writes them): left half cyan, right half yellow. The JDK's own reader cannot read these.
     */
    private static byte[] cmykJpeg() throws IOException {
        var raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 32, 16, 4,
                null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                raster.setPixel(x, y, x < 16 ? new int[] {0, 255, 255, 255} : new int[] {255, 255, 0, 255});
            }
        }
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var stream = new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        byte[] raw = out.toByteArray();
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] jpeg = new byte[raw.length + app14.length];
        System.arraycopy(raw, 0, jpeg, 0, 2); // SOI
        System.arraycopy(app14, 0, jpeg, 2, app14.length);
        System.arraycopy(raw, 2, jpeg, 2 + app14.length, raw.length - 2);
        return jpeg;
    }
}
