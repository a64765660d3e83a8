package dev.lookalike.embedding.testing;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Deterministic synthetic "photos" and the edits a near-duplicate detector must see through.
 * Shared with other modules through the test-jar. Everything is driven by a seeded
 * {@link Random}, so a seed always yields the same pixels on the same JDK.
 */
public final class TestImages {

    private TestImages() {
    }

    /** A varied scene (background, texture, several objects, sensor noise) of seed-chosen size. */
    public static BufferedImage generate(long seed) {
        Random random = new Random(seed);
        int width = 320 + random.nextInt(321);
        int height = 240 + random.nextInt(241);
        return SceneGenerator.render(random, width, height);
    }

    public static BufferedImage generate(long seed, int width, int height) {
        return SceneGenerator.render(new Random(seed), width, height);
    }

    /** Scales both sides by {@code factor} with bilinear steps of at most 2x, like common resizers. */
    public static BufferedImage resize(BufferedImage image, double factor) {
        int targetWidth = Math.max(1, (int) Math.round(image.getWidth() * factor));
        int targetHeight = Math.max(1, (int) Math.round(image.getHeight() * factor));
        BufferedImage current = toRgb(image);
        while (current.getWidth() / 2 >= targetWidth && current.getHeight() / 2 >= targetHeight) {
            current = scaleTo(current, current.getWidth() / 2, current.getHeight() / 2);
        }
        return scaleTo(current, targetWidth, targetHeight);
    }

    /** JPEG bytes at {@code quality} in 1..100 (alpha is flattened onto white first). */
    public static byte[] jpeg(BufferedImage image, int quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(toRgb(image), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * Keeps a window with {@code areaFraction} of the area and the original aspect ratio;
     * {@code offsetX}/{@code offsetY} in [0,1] place it (0 = left/top, 0.5 = centred, 1 = right/bottom).
     */
    public static BufferedImage crop(BufferedImage image, double areaFraction, double offsetX, double offsetY) {
        double side = Math.sqrt(areaFraction);
        int width = Math.max(1, (int) Math.round(image.getWidth() * side));
        int height = Math.max(1, (int) Math.round(image.getHeight() * side));
        int x = (int) Math.round((image.getWidth() - width) * offsetX);
        int y = (int) Math.round((image.getHeight() - height) * offsetY);
        return copy(image.getSubimage(x, y, width, height));
    }

    /** Multiplies every channel by {@code factor} (1.2 = 20% brighter), clipping at white. */
    public static BufferedImage brightness(BufferedImage image, double factor) {
        return mapChannels(image, v -> v * factor);
    }

    /** Stretches channel values around mid-grey by {@code factor} (0.8 = 20% less contrast). */
    public static BufferedImage contrast(BufferedImage image, double factor) {
        return mapChannels(image, v -> (v - 128) * factor + 128);
    }

    /**
     * A caption in the lower-left corner: white bold text with a dark outline, 1/12 of the image
     * height tall (a 15-character caption covers about half the width of a 4:3 image).
     */
    public static BufferedImage overlayText(BufferedImage image, String text) {
        BufferedImage result = copy(image);
        Graphics2D g = smooth(result.createGraphics());
        float size = Math.max(10, result.getHeight() / 12f);
        TextLayout layout = new TextLayout(text, new Font(Font.SANS_SERIF, Font.BOLD, Math.round(size)),
                g.getFontRenderContext());
        var outline = layout.getOutline(AffineTransform.getTranslateInstance(result.getWidth() * 0.04,
                result.getHeight() * 0.94));
        g.setColor(new Color(0, 0, 0, 200));
        g.setStroke(new BasicStroke(size / 8));
        g.draw(outline);
        g.setColor(Color.WHITE);
        g.fill(outline);
        g.dispose();
        return result;
    }

    /** A semi-transparent logo-like mark in the lower-right corner, covering ~3% of the image. */
    public static BufferedImage watermark(BufferedImage image, String text) {
        BufferedImage result = copy(image);
        Graphics2D g = smooth(result.createGraphics());
        int w = result.getWidth() / 4;
        int h = result.getHeight() / 8;
        int x = result.getWidth() - w - result.getWidth() / 30;
        int y = result.getHeight() - h - result.getHeight() / 30;
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.5f));
        g.setColor(Color.WHITE);
        g.fillRoundRect(x, y, w, h, h / 2, h / 2);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(8, h * 2 / 3)));
        g.drawString(text, x + h / 4, y + h * 3 / 4);
        g.dispose();
        return result;
    }

    /** Encoded bytes in {@code png}, {@code jpeg} (quality 90), {@code gif} or {@code bmp}. */
    public static byte[] encode(BufferedImage image, String format) {
        if (format.equals("jpeg") || format.equals("jpg")) {
            return jpeg(image, 90);
        }
        BufferedImage source = format.equals("png") ? image : toRgb(image); // only PNG keeps alpha here
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(source, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes bytes with plain ImageIO, for tests that must not depend on the decoder under test. */
    public static BufferedImage read(byte[] bytes) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An opaque TYPE_INT_RGB copy with any transparency laid over white. */
    public static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return rgb;
    }

    static Graphics2D smooth(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        return g;
    }

    private static BufferedImage copy(BufferedImage image) {
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, copy.getWidth(), copy.getHeight());
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return copy;
    }

    private static BufferedImage scaleTo(BufferedImage image, int width, int height) {
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = smooth(scaled.createGraphics());
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return scaled;
    }

    private static BufferedImage mapChannels(BufferedImage image, java.util.function.DoubleUnaryOperator f) {
        BufferedImage source = toRgb(image);
        int[] lut = new int[256];
        for (int v = 0; v < 256; v++) {
            lut[v] = (int) Math.max(0, Math.min(255, Math.round(f.applyAsDouble(v))));
        }
        BufferedImage result = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
        int[] row = new int[source.getWidth()];
        for (int y = 0; y < source.getHeight(); y++) {
            source.getRGB(0, y, row.length, 1, row, 0, row.length);
            for (int x = 0; x < row.length; x++) {
                int p = row[x];
                row[x] = lut[p >> 16 & 0xFF] << 16 | lut[p >> 8 & 0xFF] << 8 | lut[p & 0xFF];
            }
            result.setRGB(0, y, row.length, 1, row, 0, row.length);
        }
        return result;
    }
}
