package dev.lookalike.embedding.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.embedding.testing.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);

        assertError(truncated, ImageErrorCode.UNDECODABLE_IMAGE);
        ImageDecoder subsampling = new ImageDecoder(DecodeLimits.defaults().withMinDecodedSide(16));
        assertThatThrownBy(() -> subsampling.decode(truncated)).as("with rows skipped").isInstanceOfSatisfying(
                ImageLoadException.class, e -> assertThat(e.code()).isEqualTo(ImageErrorCode.UNDECODABLE_IMAGE));
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

    /** 16-bit samples of a half-transparent teal (8-bit: 12 80 ff, alpha 80) and of opaque red. */
    private static final int[] TEAL = {0x1234, 0x8000, 0xFFFF, 0x8080};
    private static final int[] RED = {0xFFFF, 0, 0, 0xFFFF};

    @Test
    void decodesA7000x7000SixteenBitPngSubsampledAndNarrowedIntoAFewMegabytes() {
        byte[] bomb = PixelBomb.png16(7000, 7000, 6, TEAL, RED, null);
        assertThat(bomb.length).isLessThan(1 << 20);

        // The service default image.max.pixels (50 MP) admits it; the class default (40 MP) would not.
        ImageDecoder serviceDefaults = new ImageDecoder(new DecodeLimits(DecodeLimits.DEFAULT_MAX_BYTES, 50_000_000L));
        long before = allocatedBytes();
        DecodedImage decoded = serviceDefaults.decode(bomb);
        long allocated = allocatedBytes() - before;

        assertThat(decoded.width()).as("the source's width, as events report it").isEqualTo(7000);
        assertThat(decoded.height()).isEqualTo(7000);
        assertThat(decoded.image().getWidth()).as("every 4th pixel: the shorter side stays >= 1024").isEqualTo(1750);
        assertThat(decoded.image().getHeight()).isEqualTo(1750);
        assertThat(decoded.image().getType()).as("8 bits a sample").isEqualTo(BufferedImage.TYPE_4BYTE_ABGR);
        assertThat(decoded.image().getRGB(10, 10)).isEqualTo(0x801280FF);
        assertThat(decoded.image().getRGB(10, 1740)).isEqualTo(0xFFFF0000);
        assertThat(decoded.image().getRGB(1740, 1740)).isEqualTo(0x801280FF);
        // The 16-bit raster alone used to be 392 MB; now a 12 MB raster plus the reader's buffers.
        assertThat(allocated).as("bytes the decode allocated").isLessThan(40L << 20);
    }

    @Test
    void subsamplesByThePowerOfTwoThatKeepsTheShorterSideAtTheMinimum() {
        DecodeLimits limits = DecodeLimits.defaults();

        assertThat(limits.minDecodedSide()).isEqualTo(1024);
        assertThat(limits.subsampling(640, 480)).isEqualTo(1);
        assertThat(limits.subsampling(2047, 2047)).isEqualTo(1);
        assertThat(limits.subsampling(2048, 2048)).isEqualTo(2);
        assertThat(limits.subsampling(4000, 3000)).isEqualTo(2);
        assertThat(limits.subsampling(6000, 4000)).as("2, not 3: a power of two").isEqualTo(2);
        assertThat(limits.subsampling(7000, 7000)).isEqualTo(4);
        assertThat(limits.subsampling(9000, 2000)).as("a panorama keeps its short side").isEqualTo(1);
        assertThat(limits.withMinDecodedSide(Integer.MAX_VALUE).subsampling(7000, 7000)).isEqualTo(1);
        assertThat(new DecodeLimits(1000, 1000).minDecodedSide()).isEqualTo(DecodeLimits.DEFAULT_MIN_DECODED_SIDE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "gif", "tiff", "webp"})
    void subsamplesEveryFormatKeepingItsColours(String format) throws IOException {
        // 64x48 with a minimum of 16: every 2nd pixel
        ImageDecoder subsampling = new ImageDecoder(DecodeLimits.defaults().withMinDecodedSide(16));
        byte[] bytes = switch (format) {
            case "webp" -> resource("quadrants-lossy.webp");
            case "tiff" -> tiff(quadrants);
            default -> TestImages.encode(quadrants, format);
        };

        DecodedImage decoded = subsampling.decode(bytes);

        assertThat(decoded.width()).isEqualTo(64);
        assertThat(decoded.height()).isEqualTo(48);
        assertThat(decoded.image().getWidth()).isEqualTo(32);
        assertThat(decoded.image().getHeight()).isEqualTo(24);
        assertClose(decoded.image().getRGB(4, 4), new Color(220, 30, 30));
        assertClose(decoded.image().getRGB(28, 4), new Color(30, 200, 40));
        assertClose(decoded.image().getRGB(4, 20), new Color(30, 40, 210));
        assertClose(decoded.image().getRGB(20, 15), Color.WHITE);
    }

    @Test
    void decodesEveryPixelOfABmpSoThatTruncationIsStillNoticed() {
        ImageDecoder subsampling = new ImageDecoder(DecodeLimits.defaults().withMinDecodedSide(16));

        assertThat(subsampling.decode(TestImages.encode(quadrants, "bmp")).image().getWidth()).isEqualTo(64);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void decodesSixteenBitPngsToTheColoursTheirSixteenBitModelGives(boolean alpha) throws IOException {
        BufferedImage wide = sixteenBitGradient(64, 48, alpha);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        assertThat(ImageIO.write(wide, "png", png)).isTrue();

        BufferedImage decoded = decoder.decode(png.toByteArray()).image();

        assertThat(decoded.getType()).isEqualTo(alpha ? BufferedImage.TYPE_4BYTE_ABGR : BufferedImage.TYPE_3BYTE_BGR);
        assertSameColours(decoded, ImageIO.read(new ByteArrayInputStream(png.toByteArray())));
    }

    @Test
    void keepsTheTransparentColourOfASixteenBitRgbPng() throws IOException {
        byte[] png = PixelBomb.png16(64, 48, 2, TEAL, RED, RED); // tRNS: red is transparent

        BufferedImage decoded = decoder.decode(png).image();

        assertSameColours(decoded, ImageIO.read(new ByteArrayInputStream(png)));
        assertThat(decoded.getRGB(4, 44) >>> 24).as("alpha of the red quarter").isZero();
        assertThat(decoded.getRGB(60, 4) >>> 24).isEqualTo(0xFF);
    }

    @Test
    void narrowsOtherWideRastersToFourBytesAPixelWithTheSameColours() {
        BufferedImage wide = sixteenBitGradient(40, 30, false); // as a 16-bit TIFF decodes

        BufferedImage narrow = ImageDecoder.narrowed(wide);

        assertThat(narrow.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertSameColours(narrow, wide);
        assertThat(ImageDecoder.narrowed(sixteenBitGradient(40, 30, true)).getType())
                .isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(ImageDecoder.narrowed(quadrants)).as("8-bit rasters are kept").isSameAs(quadrants);
    }

    @Test
    void waitsBrieflyForDecodingMemoryThenFailsRetriably() {
        DecodeBudget budget = new DecodeBudget(64L << 20, 50);
        ImageDecoder bounded = new ImageDecoder(DecodeLimits.defaults(), budget);
        byte[] png = TestImages.encode(quadrants, "png");

        try (DecodeBudget.Grant everything = budget.reserve(budget.totalBytes(), "the test")) {
            assertThatThrownBy(() -> bounded.decode(png)).isInstanceOfSatisfying(ImageLoadException.class, e -> {
                assertThat(e.code()).isEqualTo(ImageErrorCode.DECODER_BUSY);
                assertThat(e.retriable()).isTrue();
            });
        }

        assertThat(bounded.decode(png).width()).isEqualTo(64);
        assertThat(budget.availableBytes()).as("returned after a decode").isEqualTo(budget.totalBytes());
        byte[] corrupt = png.clone();
        Arrays.fill(corrupt, 40, corrupt.length, (byte) 0x5A);
        assertThatThrownBy(() -> bounded.decode(corrupt)).isInstanceOfSatisfying(ImageLoadException.class,
                e -> assertThat(e.code()).isEqualTo(ImageErrorCode.UNDECODABLE_IMAGE)); // the header was fine
        assertThat(budget.availableBytes()).as("returned after a failure").isEqualTo(budget.totalBytes());
    }

    @Test
    void aDecodeLargerThanTheWholeBudgetRunsAlone() {
        DecodeBudget budget = new DecodeBudget(1L << 20, 50); // 1 MiB; the image is estimated at 8
        ImageDecoder bounded = new ImageDecoder(DecodeLimits.defaults(), budget);

        assertThat(bounded.decode(PixelBomb.png16(1024, 1024, 6, TEAL, RED, null)).width()).isEqualTo(1024);
        assertThat(budget.availableBytes()).isEqualTo(budget.totalBytes());
    }

    @Test
    void concurrentBombsQueueForDecodingMemoryInsteadOfExhaustingTheHeap() throws Exception {
        byte[] bomb = PixelBomb.png16(2048, 2048, 6, TEAL, RED, null); // 32 MiB as 16-bit; 8 MiB budgeted
        DecodeBudget budget = new DecodeBudget(20L << 20, 60_000); // two at a time
        ImageDecoder bounded = new ImageDecoder(DecodeLimits.defaults(), budget);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<DecodedImage>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit((Callable<DecodedImage>) () -> {
                    start.await();
                    return bounded.decode(bomb);
                }));
            }
            start.countDown();
            for (Future<DecodedImage> result : results) {
                DecodedImage decoded = result.get(60, TimeUnit.SECONDS); // DECODER_BUSY or an Error would fail here
                assertThat(decoded.image().getWidth()).isEqualTo(1024);
                assertThat(decoded.image().getRGB(10, 1000)).isEqualTo(0xFFFF0000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(budget.availableBytes()).isEqualTo(budget.totalBytes());
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

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** A 16-bit sRGB image (RGBA when {@code alpha}) whose samples use the low bits too. */
    private static BufferedImage sixteenBitGradient(int width, int height, boolean alpha) {
        int bands = alpha ? 4 : 3;
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int b = 0; b < bands; b++) {
                    raster.setSample(x, y, b, (x * 1021 + y * 1777 + b * 9001) % 65536);
                }
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    private static void assertSameColours(BufferedImage actual, BufferedImage expected) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertThat(Integer.toHexString(actual.getRGB(x, y))).as("pixel %d,%d", x, y)
                        .isEqualTo(Integer.toHexString(expected.getRGB(x, y)));
            }
        }
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
