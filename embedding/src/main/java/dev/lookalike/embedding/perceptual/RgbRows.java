package dev.lookalike.embedding.perceptual;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Reads one row of an image as opaque 0xRRGGBB, transparency laid over white. The common
 * decoder outputs are read straight from the raster, which is several times faster than
 * {@link BufferedImage#getRGB}; grey images keep their stored values (getRGB would push them
 * through a linear-gamma conversion and brighten them).
 */
final class RgbRows {

    private final BufferedImage image;
    private final Raster raster;
    private final int type;
    private final int[] ints;
    private final byte[] bytes;

    RgbRows(BufferedImage image) {
        this.image = image;
        this.raster = image.getRaster();
        this.type = image.getType();
        int width = image.getWidth();
        this.ints = new int[width];
        this.bytes = switch (type) {
            case BufferedImage.TYPE_3BYTE_BGR -> new byte[width * 3];
            case BufferedImage.TYPE_4BYTE_ABGR -> new byte[width * 4];
            case BufferedImage.TYPE_BYTE_GRAY -> new byte[width];
            default -> null;
        };
    }

    /** Fills {@code out} (length = width) with row {@code y}. */
    void read(int y, int[] out) {
        int width = out.length;
        switch (type) {
            case BufferedImage.TYPE_INT_RGB -> raster.getDataElements(0, y, width, 1, out);
            case BufferedImage.TYPE_INT_ARGB -> {
                raster.getDataElements(0, y, width, 1, ints);
                for (int x = 0; x < width; x++) {
                    int p = ints[x];
                    out[x] = overWhite(p >> 16 & 0xFF, p >> 8 & 0xFF, p & 0xFF, p >>> 24);
                }
            }
            case BufferedImage.TYPE_3BYTE_BGR -> { // data elements come in band order: R, G, B
                raster.getDataElements(0, y, width, 1, bytes);
                for (int x = 0, i = 0; x < width; x++, i += 3) {
                    out[x] = (bytes[i] & 0xFF) << 16 | (bytes[i + 1] & 0xFF) << 8 | bytes[i + 2] & 0xFF;
                }
            }
            case BufferedImage.TYPE_4BYTE_ABGR -> { // band order: R, G, B, A
                raster.getDataElements(0, y, width, 1, bytes);
                for (int x = 0, i = 0; x < width; x++, i += 4) {
                    out[x] = overWhite(bytes[i] & 0xFF, bytes[i + 1] & 0xFF, bytes[i + 2] & 0xFF, bytes[i + 3] & 0xFF);
                }
            }
            case BufferedImage.TYPE_BYTE_GRAY -> {
                raster.getDataElements(0, y, width, 1, bytes);
                for (int x = 0; x < width; x++) {
                    int v = bytes[x] & 0xFF;
                    out[x] = v << 16 | v << 8 | v;
                }
            }
            default -> {
                image.getRGB(0, y, width, 1, ints, 0, width);
                for (int x = 0; x < width; x++) {
                    int p = ints[x];
                    out[x] = overWhite(p >> 16 & 0xFF, p >> 8 & 0xFF, p & 0xFF, p >>> 24);
                }
            }
        }
    }

    private static int overWhite(int r, int g, int b, int alpha) {
        if (alpha == 255) {
            return r << 16 | g << 8 | b;
        }
        int white = 255 * (255 - alpha);
        return (r * alpha + white) / 255 << 16 | (g * alpha + white) / 255 << 8 | (b * alpha + white) / 255;
    }
}
